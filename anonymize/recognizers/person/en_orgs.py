"""Vetoes for name-shaped spans that stand where places, clubs and firms do.

Each test reads the tokens around a span found by the person rules:

- ``listed_place``: the span is a country, city or region of the place lists and none of
  its words is anybody's given name or surname ("Mauritius"); the ``filter`` rule drops
  spaCy's PERSON spans so. Not asked of the other rules' spans: the lists hold every
  Italian comune, and "Bure received a penalty" is a player; in a place's context
  ("the city Assen", "Oradea and Sibiu") the vetoes below drop those.
- ``named_after_place``: two words or more, none a given name or surname, one a listed
  place: a club, firm or body named after its city ("Otelul Galati", "Manitoba Pork").
- ``before_head_noun``: the span is the modifier of a noun that names a place, a body or a
  publication ("Heathrow airport", "the Uber website", "Quintana Roo state", "-- Warsaw
  Newsroom"), or ends in one. People are modifiers of other nouns ("the Clinton
  administration", "the Smith family"), which the list leaves out.
- ``after_head_noun``: the same nouns right before the span, in apposition ("the Italian
  newspaper Gazzetta").
- ``before_role``: a role noun and a name after the span ("Atletico Madrid playmaker Jose
  Caminero"): the span is the body the person plays or works for.
- ``listed_with_bodies``: the span is joined by "and", "or", "&" or a comma to an entity
  spaCy calls a place or an organisation, with no listed name in it ("Tasmania and
  Victoria", "Thomas and Sons"): a list holds things of one kind.
"""

from __future__ import annotations

from anonymize.recognizers.person.en_tokens import Tokens
from anonymize.recognizers.person.name_lists import place_names

# Nouns a place, body or publication is named before; general English, not from a corpus.
_HEAD_NOUNS_TEXT = (
    "airport airports station stations port harbour harbor river lake lakes mountain "
    "mountains island islands peninsula valley province provinces state states county "
    "counties district region municipality city town village suburb stadium arena "
    "newsroom newspaper newspapers daily weekly magazine website site web app agency "
    "brewer brewers brewery distillery refinery mines plant factory bank banks "
    "airline airlines railway railways shares stock stocks index exchange bourse "
    "headquarters university college school academy hospital clinic museum library "
    "festival zoo club side company firm group subsidiary shareholders unit")
HEAD_NOUNS = frozenset(_HEAD_NOUNS_TEXT.split())
_NAMED_AFTER_PLACE = 2  # words in the span at least


def listed_place(t: Tokens, start: int, end: int) -> bool:
    """A country, city or region of the place lists that is nobody's name ("Mauritius")."""
    if any(t.listed[k] or t.given[k] for k in range(start, end)):
        return False
    return " ".join(t.lower[start:end]) in place_names()


def named_after_place(t: Tokens, start: int, end: int) -> bool:
    """Two words or more, none a given name or surname, one of them a listed place: a club,
    firm or body named after its city ("Rapid Vienna", "Manitoba Pork")."""
    words = [k for k in range(start, end) if t.cap[k] and not t.initial[k]]
    if len(words) < _NAMED_AFTER_PLACE or any(t.listed[k] or t.given[k] for k in words):
        return False
    return any(t.lower[k] in place_names() for k in words)


def _word_before(t: Tokens, i: int) -> int:
    """Index of the last non-space token before ``i`` on its line, -1 when none."""
    k = i - 1
    while k >= 0 and t.space[k] and "\n" not in t.words[k]:
        k -= 1
    return k if k >= 0 and not t.space[k] else -1


def _word_after(t: Tokens, j: int) -> int:
    """Index of the first non-space token from ``j`` on its line, ``t.n`` when none."""
    k = j
    while k < t.n and t.space[k] and "\n" not in t.words[k]:
        k += 1
    return k if k < t.n and not t.space[k] else t.n


def before_head_noun(t: Tokens, start: int, end: int) -> bool:
    """The span ends in, or is followed by, a noun of ``HEAD_NOUNS``."""
    if end - start > 1 and t.lower[end - 1] in HEAD_NOUNS:
        return True
    after = _word_after(t, end)
    return after < t.n and t.lower[after] in HEAD_NOUNS


def after_head_noun(t: Tokens, start: int) -> bool:
    """A lower-case noun of ``HEAD_NOUNS`` right before the span, in apposition: "the
    Italian newspaper Gazzetta", "the brewer Quendtby"."""
    before = _word_before(t, start)
    return before >= 0 and t.words[before] in HEAD_NOUNS


# Roles a person holds in a body, written between the body and the person's name:
# "Quendtby striker Ann Vink", "Vlorsk Bank chairman Bo Lind". General English.
_ROLES_TEXT = (
    "striker forward midfielder defender goalkeeper keeper winger playmaker coach manager "
    "captain chairman chairwoman spokesman spokeswoman spokesperson president chief "
    "executive director analyst economist minister official trader dealer correspondent "
    "reporter player owner founder boss")
_ROLES = frozenset(_ROLES_TEXT.split())


def before_role(t: Tokens, end: int) -> bool:
    """A role noun, then a capitalised word, after the span: the span is the body the
    named person holds the role in ("Quendtby striker Ann Vink")."""
    role = _word_after(t, end)
    if role >= t.n or t.words[role] not in _ROLES:
        return False
    name = _word_after(t, role + 1)
    return name < t.n and t.cap[name]


_ORG_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP"})
_JOINS = frozenset({"and", "or", "&", ","})


def listed_with_bodies(t: Tokens, start: int, end: int) -> bool:
    """The span is joined by "and", "or", "&" or a comma to entities spaCy calls places
    or organisations, none with a listed name in it ("Tasmania and Victoria", "Thomas and
    Sons"). spaCy calls surnames in pairs organisations ("Dale and White"), and people in
    lists of people and firms ("Quendtby's Riku Vink, Ann Lind of ..."): a given name or
    surname in the neighbour keeps the span."""
    members = []
    before = _word_before(t, start)
    if before >= 0 and t.lower[before] in _JOINS:
        members.append(_word_before(t, before))
    after = _word_after(t, end)
    if after < t.n and t.lower[after] in _JOINS:
        members.append(_word_after(t, after + 1))
    members = [k for k in members if 0 <= k < t.n]
    return bool(members) and all(_body(t, k) for k in members)


def _body(t: Tokens, k: int) -> bool:
    """Token ``k`` is in a place or organisation entity of spaCy's with no listed name."""
    if t.labels[k] not in _ORG_LABELS:
        return False
    a = k
    while a > 0 and not t.begins[a] and t.labels[a - 1] == t.labels[k]:
        a -= 1
    b = k + 1
    while b < t.n and not t.begins[b] and t.labels[b] == t.labels[k]:
        b += 1
    return not any(t.listed[x] or t.given[x] for x in range(a, b))
