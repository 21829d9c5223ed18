"""Vetoes for name-shaped spans that stand where places, clubs and firms do.

Each test reads the tokens around a span found by the person rules:

- ``listed_place``: the span is a country, city or region of the place lists and none of
  its words is anybody's given name or surname ("Mauritius"); the ``filter`` rule drops
  spaCy's PERSON spans so. Not asked of the other rules' spans: the lists hold every
  Italian comune, and "Bure received a penalty" is a player; in a place's context
  ("the city Assen", "Oradea and Sibiu") the vetoes below drop those.
- ``named_after_place``: two words or more, none a given name or surname, one a listed
  place: a club, firm or body named after its city ("Otelul Galati", "Manitoba Pork").
- ``club_after_name``: the span alone in brackets straight after a name ("Paulinho Santos
  ( Porto )", "Helder Cristovao ( Deportivo Coruna , Spain )"): sports listings give a
  player's club, or a person's country, that way. A given name in the brackets keeps it
  a name ("( Maria )").
- ``team_with_scorers``: the span is followed by a score and a bracket of scorers
  ("Blackburn 1 ( Sutton 34 )"): a team in a results line.
- ``before_head_noun``: the span is the modifier of a noun that names a place, a body or a
  publication ("Heathrow airport", "the Uber website", "Quintana Roo state", "-- Warsaw
  Newsroom"), or ends in one. People are modifiers of other nouns ("the Clinton
  administration", "the Smith family"), which the list leaves out.
- ``after_head_noun``: the same nouns right before the span, in apposition ("the Italian
  newspaper Gazzetta").
- ``before_role``: a role noun and a name after the span ("Atletico Madrid playmaker Jose
  Caminero"): the span is the body the person plays or works for.
- ``affiliation_of``: the span after "of" straight after a name ("Ann Vink of Quendtby").
- ``street_with_number``: after "on" or "at", with a house number after it ("on Peter
  Zuidhove 188"): a street.
- ``after_saint``: "San", "St", "Los" ... before the span ("SAN ANTONIO"): a place.
- ``brand_compound``: one word that is two dictionary words run together, in nobody's
  name list ("Opencounter", "Guidestar", "Homestake"): how firms and products are named.
  Surnames made that way ("Goodwin", "Lindberg") are in the name lists; asked of the
  rules' spans only, as spaCy knows famous unlisted ones ("Greenspan").
- ``listed_with_bodies``: the span is joined by "and", "or", "&" or a comma to an entity
  spaCy calls a place or an organisation, with no listed name in it ("Tasmania and
  Victoria", "Thomas and Sons"): a list holds things of one kind.
- ``unknown_noun``: one unknown word with a common noun's ending ("Midfielders").
- ``firm_of_surnames``: a line that is only "Surname, Surname and Surname" (a law or
  accounting firm's name: "Marshall, Hernandez and Simpson"); people listed on a line of
  their own carry given names.
"""

from __future__ import annotations

from anonymize.recognizers.person.en_lexicon import Lexicon
from anonymize.recognizers.person.en_tokens import Tokens
from anonymize.recognizers.person.name_lists import name_lists, place_names

_CLUB_CLOSE = frozenset({")", ","})
# Nouns a place, body or publication is named before; general English, not from a corpus.
_HEAD_NOUNS_TEXT = (
    "airport airports station stations port harbour harbor river lake lakes mountain "
    "mountains island islands peninsula valley province provinces state states county "
    "counties district region municipality city town village suburb stadium arena "
    "newsroom newspaper newspapers daily weekly magazine website site web app agency "
    "brewer brewers brewery distillery refinery mines plant factory bank banks "
    "airline airlines railway railways shares stock stocks index exchange bourse "
    "headquarters university college school academy hospital clinic museum library "
    "festival zoo club side company firm group subsidiary shareholders unit team league cup "
    "trophy championship party council ministry army police court embassy")
HEAD_NOUNS = frozenset(_HEAD_NOUNS_TEXT.split())
_FIRM_PARTS = 3  # Surname , Surname and Surname
_FIRM_JOINS = frozenset({",", "and", "&"})
_NAMED_AFTER_PLACE = 2  # words in the span at least
_COMPOUND_PART = 4  # letters of each word at least: "bar" + "rick" is a name, Barrick


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


def club_after_name(t: Tokens, start: int, end: int, name_ends: frozenset[int]) -> bool:
    """[start, end) alone in brackets right after a name span (``name_ends``: the token
    index each name span ends at)."""
    before = _word_before(t, start)
    if before < 0 or t.words[before] != "(" or any(t.given[k] for k in range(start, end)):
        return False
    if _word_before(t, before) + 1 not in name_ends:
        return False
    after = _word_after(t, end)
    return after >= t.n or t.words[after] in _CLUB_CLOSE


def team_with_scorers(t: Tokens, end: int) -> bool:
    """A score, then a bracket that opens on a capitalised word: "Blackburn 1 ( Sutton"."""
    score = _word_after(t, end)
    if score >= t.n or not t.numeric[score]:
        return False
    bracket = _word_after(t, score + 1)
    if bracket >= t.n or t.words[bracket] != "(":
        return False
    scorer = _word_after(t, bracket + 1)
    return scorer < t.n and t.cap[scorer]


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


_SAINTS = frozenset({"san", "santa", "santo", "são", "st", "st.", "saint", "sainte", "los",
                     "las"})


def after_saint(t: Tokens, start: int) -> bool:
    """After "San", "St", "Los"...: the rest of a place's name ("SAN ANTONIO")."""
    before = _word_before(t, start)
    return before >= 0 and t.lower[before] in _SAINTS


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


def affiliation_of(t: Tokens, start: int, name_ends: frozenset[int]) -> bool:
    """ "Ann Vink of Quendtby": the span after "of" straight after a name is where that
    person works or comes from (``name_ends``: the token index each name span ends at)."""
    of = _word_before(t, start)
    return of >= 0 and t.lower[of] == "of" and _word_before(t, of) + 1 in name_ends


_HOUSE_NUMBER = 4


def street_with_number(t: Tokens, start: int, end: int) -> bool:
    """ "on Peter Zuidhove 188": after "on" or "at", a house number after the span."""
    before = _word_before(t, start)
    after = _word_after(t, end)
    return (before >= 0 and t.lower[before] in {"on", "at"} and after < t.n
            and t.words[after].isdigit() and len(t.words[after]) <= _HOUSE_NUMBER)


def brand_compound(t: Tokens, start: int, end: int, lexicon: Lexicon) -> bool:
    """One unlisted word that splits into two dictionary lemmas of four letters or more."""
    if end - start != 1 or t.listed[start] or t.given[start] or not t.words[start].isalpha():
        return False
    word = t.lower[start]
    return any(word[:k] in lexicon.lemmas and word[k:] in lexicon.lemmas
               for k in range(_COMPOUND_PART, len(word) - _COMPOUND_PART + 1))


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


_NOUN_ENDINGS = ("tion", "tions", "ment", "ments", "ness", "ism", "isms", "ship", "ships",
                 "ology", "ers", "ists", "ity")


def unknown_noun(t: Tokens, start: int, end: int) -> bool:
    """One word no dictionary or name list knows with a common noun's ending
    ("Midfielders", "Tokenization")."""
    return (end - start == 1 and t.unknown[start] and not t.listed[start]
            and not t.given[start] and t.lower[start].endswith(_NOUN_ENDINGS))


def firm_of_surnames(t: Tokens, start: int, end: int) -> bool:
    """[start, end) lies in a line that is exactly "A, B and C", three listed surnames."""
    before, after = _word_before(t, start), _word_after(t, end)
    if end - start != 1 or not ((before >= 0 and t.lower[before] in _FIRM_JOINS)
                                or (after < t.n and t.lower[after] in _FIRM_JOINS)):
        return False  # the usual case, decided without reading the line
    line_start = start
    while line_start > 0 and "\n" not in t.words[line_start - 1]:
        line_start -= 1
    line_end = end
    while line_end < t.n and "\n" not in t.words[line_end]:
        line_end += 1
    words = [k for k in range(line_start, line_end)
             if not t.space[k] and t.words[k] not in {">", "-", "*"}]
    shape = [t.lower[k] if t.lower[k] in _FIRM_JOINS else "W" for k in words]
    if shape not in (["W", ",", "W", "and", "W"], ["W", ",", "W", "&", "W"]):
        return False
    surnames = name_lists()[1]
    names = [k for k, s in zip(words, shape, strict=True) if s == "W"]
    return len(names) == _FIRM_PARTS and all(
        t.lower[k] in surnames and t.words[k].isalpha() for k in names)
