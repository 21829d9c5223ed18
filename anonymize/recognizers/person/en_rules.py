"""English person-span rules over a spaCy ``Doc`` (entities only). Pure functions.

spaCy's PERSON entities are the base; the rules add names it missed or mislabelled
(titles, known given names, "my name is X", "X said", speaker labels,
names repeated in the text ...) and widen its spans over initials, particles and
hyphenated surnames. The rules that read the structure of a text are in ``en_context``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from anonymize.recognizers.person import (
    en_caseless,
    en_context,
    en_handles,
    en_orgs,
    en_places,
)
from anonymize.recognizers.person.en_lexicon import Lexicon
from anonymize.recognizers.person.en_tokens import PERSON_LABELS, Tokens, brand_shaped
from anonymize.recognizers.person.en_words import (
    CUES_BY_FIRST_WORD,
    HONORIFICS,
    NOT_NAME_PARTS,
    SPEECH_VERBS,
    TITLES,
    name_run,
)
from anonymize.recognizers.person.spans import Span, merge

if TYPE_CHECKING:
    from spacy.tokens import Doc

NER_SCORE = 0.85
TITLE_SCORE = 0.75
RULE_SCORE = 0.6
_HOUSE_NUMBER = 6  # digits at most; a longer number before a name is a phone or an id
_POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def _implausible(t: Tokens, start: int, end: int) -> bool:
    """A spaCy PERSON span that is an address line or shouting headline, not a name."""
    if any(t.numeric[k] or "\n" in t.words[k] for k in range(start, end)):
        return True  # "Box 8144", "Alloa 3 Hawick 1"
    if start > 0 and t.numeric[start - 1] and len(t.words[start - 1]) <= _HOUSE_NUMBER:
        return True  # "35108 ul. Zamkowa", "6750 Koskikatu": after a house number
    if _table_row(t, end) or en_orgs.listed_place(t, start, end):
        return True
    word = t.words[start]
    if end - start > 1:
        return _common_words(t, start, end)
    return ((word.isupper() and len(word) > 2)  # "HAMBURG"
            or brand_shaped(word)  # "DotA", "PlayStation"
            or _common_noun(t, start))


# Endings of English common nouns that names do not have: "Salesperson", "Kindness",
# "Cinematographer", "Midfielders". (WordNet also lists famous people, "Mussolini", so a
# known word alone does not make a common noun.)
_NOUN_ENDINGS = ("person", "ness", "ment", "tion", "sion", "ity", "ship", "ism", "ist",
                 "ists", "ogy", "phy", "pher", "phers", "ers", "ors",
                 "ance", "ence", "ure", "ures", "ics")


def _common_noun(t: Tokens, i: int) -> bool:
    """A dictionary word with a common noun's ending, a plural, or a word that is also a
    verb or adjective ("Discipline"), in nobody's name list."""
    return (t.known[i] and not t.listed[i] and not t.given[i]
            and (t.lower[i].endswith(_NOUN_ENDINGS) or t.plural[i] or t.not_noun[i]))


def _common_words(t: Tokens, start: int, end: int) -> bool:
    """Words of the dictionary only, none in a name list, one of them also a verb, adjective
    or adverb: a club, firm or title ("Rapid Vienna", "Collective Ip"). WordNet's famous
    people and surnames are nouns only ("Mussolini", "Galley"), so they stay names."""
    words = [k for k in range(start, end) if t.words[k][:1].isalpha()]
    return (bool(words) and any(t.not_noun[k] for k in words)
            and all(t.known[k] and not t.listed[k] and not t.given[k] for k in words))


_TABLE_FIGURES = 6  # a league table's played, won, drawn, lost, for, against, points
_SCORE_LINE_WORDS = 4


def _table_row(t: Tokens, end: int) -> bool:
    """The span heads a league table row (six figures or more to the end of its line) or
    a score line ("Leeds 2 York 3"): teams, not people. A golfer's four rounds and total
    are five figures."""
    k = end
    figures = 0
    while k < t.n and "\n" not in t.words[k] and (t.space[k] or t.numeric[k]):
        figures += t.numeric[k]
        k += 1
    if figures == 0:
        return False
    if figures >= _TABLE_FIGURES and (k >= t.n or "\n" in t.words[k]):
        return True
    words = 0
    while k < t.n and t.cap[k] and words < _SCORE_LINE_WORDS:
        k, words = k + 1, words + 1
    return figures == 1 and words > 0 and k < t.n and t.numeric[k]


def ner_person(t: Tokens, strict: bool = False) -> list[Span]:
    """spaCy PERSON entities, without a trailing possessive (``strict``: minus junk)."""
    out = []
    for start, end in t.entities(PERSON_LABELS):
        while end > start and t.words[end - 1] in _POSSESSIVE:
            end -= 1
        if strict and _implausible(t, start, end):
            continue
        if end > start:
            out.append(t.span(start, end, NER_SCORE, "ner"))
    return out


def _left_part(t: Tokens, i: int) -> bool:
    """A name part before a spaCy PERSON span: a given name or initial outside entities."""
    return (t.spaced[i] and not t.blocked[i] and not t.labels[i]
            and (t.given[i] or t.initial[i]))


def extend_ner(t: Tokens) -> list[Span]:
    """Widen spaCy PERSON entities over adjacent initials, particles and name parts."""
    out = []
    for start, end in t.entities(PERSON_LABELS):
        new_start = start
        while new_start > 0 and _left_part(t, new_start - 1):
            new_start -= 1
        # Re-run the name from the entity's last name word: it picks up what follows
        # ("Sirpa Lahti" + "-oja", "Anna van der" + "Oest", "Bram T." + "Vink").
        last = end - 1
        while last > start and not t.cap[last]:
            last -= 1
        new_end = max(end, name_run(t, last))
        if (new_start, new_end) != (start, end):
            out.append(t.span(new_start, new_end, NER_SCORE, "extend"))
    return out


def titled_names(t: Tokens) -> list[Span]:
    """ "Dr. Emily Watson", "Mr Smith": a capitalised title, then name words. After a
    title that is also a common word ("General", "Justice"), one of them must look like
    a name: "the General Assembly" is not one."""
    out = []
    for i in range(t.n - 1):
        title = t.lower[i].rstrip(".")
        if title not in TITLES or not t.words[i][:1].isupper():
            continue
        k = i + 2 if t.words[i + 1] == "." and i + 2 < t.n else i + 1
        j = name_run(t, k)
        if j > k and (title in HONORIFICS or any(t.namelike[x] for x in range(k, j))):
            out.append(t.span(k, j, TITLE_SCORE, "title"))
    return out


def given_names(t: Tokens) -> list[Span]:
    """A known given name (title case, not in a date/number), with the name words after it."""
    out = []
    for i in range(t.n):
        if not t.given[i] or not t.free[i]:
            continue
        if i > 0 and (t.numeric[i - 1] or t.words[i - 1] in {"St.", "St", "San", "El"}):
            continue  # "82 Zachary Cliffs", "St. Louis"
        j = name_run(t, i)
        if j == i and i + 1 < t.n and t.words[i + 1].rstrip(".") in NOT_NAME_PARTS:
            continue
        out.append(t.span(i, max(j, i + 1), RULE_SCORE, "given"))
    return out


def _skip_space(t: Tokens, k: int) -> int:
    while k < t.n and t.space[k] and "\n" not in t.words[k]:
        k += 1
    return k


def cue_names(t: Tokens) -> list[Span]:
    """Names introduced by a cue: "my name is X", "named X", "Name: X", "calls me X"."""
    out = []
    for i, word in enumerate(t.lower):
        if i > 0 and t.words[i - 1] in _HYPHENS:
            continue  # "so-called", "self-named": an adjective, not a cue
        for cue in CUES_BY_FIRST_WORD.get(word, ()):
            if tuple(t.lower[i : i + len(cue)]) != cue:
                continue
            k = _skip_space(t, i + len(cue))
            if k >= t.n:
                continue
            j = name_run(t, k)
            if j == k and cue[-1] in {"is", "me"} and t.words[k].isalpha() and not t.stop[k]:
                j = k + 1  # "my name is vitoria": lower case accepted after the cue
            if j > k and all(t.free[x] for x in range(k, j)):
                out.append(t.span(k, j, RULE_SCORE, "cue"))
    return out


def said_names(t: Tokens) -> list[Span]:
    """Names right before or after a speech verb: "Vink said", "says Lahti-oja"."""
    out = []
    for i in range(t.n):
        if t.lower[i] not in SPEECH_VERBS:
            continue
        k = i  # name words ending right before the verb
        while k > 0 and i - k < 4 and t.cap[k - 1] and not t.blocked[k - 1]:
            k -= 1
        if k < i and _plausible_subject(t, k, i):
            out.append(t.span(k, i, RULE_SCORE, "said"))
        j = name_run(t, i + 1) if i + 1 < t.n else i + 1
        if j > i + 1 and _plausible_subject(t, i + 1, j):
            out.append(t.span(i + 1, j, RULE_SCORE, "said"))
    return out


def _plausible_subject(t: Tokens, k: int, j: int) -> bool:
    """Free name words, not a stop word; one word alone must look like a name ("Police
    said" is not one)."""
    words = range(k, j)
    if not all(t.free[x] and not t.stop[x] for x in words):
        return False
    return j - k > 1 or t.namelike[k]


TokenRule = Callable[[Tokens], list[Span]]
SpanRule = Callable[[Tokens, Sequence[Span]], list[Span]]

TOKEN_RULES: dict[str, TokenRule] = {
    "extend": extend_ner,
    "title": titled_names,
    "given": given_names,
    "cue": cue_names,
    "said": said_names,
    "speaker": en_context.speaker_names,
    "line": en_context.line_names,
    "bracket": en_context.bracket_names,
    "unknown": en_context.unknown_names,
    "caseless": en_caseless.caseless_names,
    "handle": en_handles.handle_names,
}
# Rules that read the names already found: they run last, in this order.
SPAN_RULES: dict[str, SpanRule] = {
    "repeat": en_context.repeated_names,
}
Veto = Callable[[Tokens, int, int], bool]
VETOES: dict[str, Veto] = {
    "placeword": en_orgs.named_after_place,
    "head": en_orgs.before_head_noun,
    "listorg": en_orgs.listed_with_bodies,
    "appos": lambda t, i, _j: en_orgs.after_head_noun(t, i),
    "affil": lambda t, _i, j: en_orgs.before_role(t, j),
}
ALL_RULES: tuple[str, ...] = (*TOKEN_RULES, *SPAN_RULES, "filter", "place", "address", *VETOES)
"""``filter`` drops implausible spaCy PERSON spans (numbers, house numbers, all caps);
``address`` drops spans inside a street address another recognizer found ("4821 Vlorskgade
12", "Rua das Flores 120"): the address covers them, and street and place names are the
capitalised words no dictionary knows that the rules most often mistake for names;
``place`` drops spans right after "in" or "near" (``en_places``); the ``VETOES`` drop
spans that stand where places, clubs and firms do (``en_orgs``): a body named after its
city ("Rapid Vienna"), the modifier of a place or body noun ("Heathrow airport") or its
apposition ("the newspaper Gazzetta"), a span listed with places or organisations, the body
before a role and a name ("Quendtby striker Ann Vink"). Names found after a cue ("my name
is", a title, a speaker label, a speech verb) are kept."""
# Rules whose cue makes a name of whatever follows: the vetoes do not apply to them.
_CUED = frozenset({"title", "cue", "speaker", "said"})


def person_spans(doc: Doc, text: str, rules: Sequence[str], lexicon: Lexicon,
                 addresses: Sequence[tuple[int, int]] = ()) -> list[Span]:
    """Person spans in ``doc`` (of ``text``): spaCy's PERSON entities plus the enabled
    ``rules``; ``addresses``: character spans of the addresses found in the same text."""
    t = Tokens.of(doc, text, lexicon)
    spans = ner_person(t, strict="filter" in rules)
    for name, token_rule in TOKEN_RULES.items():
        if name in rules:
            spans.extend(token_rule(t))
    for name, span_rule in SPAN_RULES.items():
        if name in rules:
            spans.extend(span_rule(t, merge(spans)))
    if "address" in rules:
        spans = [s for s in spans if not inside(s.start, s.end, addresses)]
    if "place" in rules:
        spans = [s for s in spans if not en_places.place_by_context(text, s.start, s.end)]
    vetoes = [VETOES[name] for name in rules if name in VETOES]
    if vetoes:
        spans = _veto(t, spans, vetoes)
    return merge(spans)


def _veto(t: Tokens, spans: Sequence[Span], vetoes: Sequence[Veto]) -> list[Span]:
    """``spans`` less those one of ``vetoes`` (``en_orgs``) calls a place, club or firm."""
    if not spans:
        return []
    first = {t.starts[i]: i for i in range(t.n)}
    after_last = {t.starts[i] + len(t.words[i]): i + 1 for i in range(t.n)}
    out = []
    for s in spans:
        i, j = first.get(s.start), after_last.get(s.end)
        if (i is None or j is None or s.rule in _CUED
                or not any(veto(t, i, j) for veto in vetoes)):
            out.append(s)
    return out


def inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """[start, end) lies within one of ``spans``."""
    return any(a <= start and end <= b for a, b in spans)
