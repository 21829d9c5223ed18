"""English person-span rules over a spaCy ``Doc`` (tagger + NER). Pure functions.

spaCy's own PERSON entities are the base; the rules add names it missed or mislabelled
(titles, known given names, "my name is X", "X said") and widen its spans over middle
initials and hyphenated or multi-part surnames.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from anonymize.recognizers.person.given_names import GIVEN_NAMES
from anonymize.recognizers.person.spans import Span, merge

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NER_SCORE = 0.85
TITLE_SCORE = 0.75
RULE_SCORE = 0.6

PERSON_LABELS = frozenset({"PERSON", "PER"})
# Entity labels a name token must not sit in (they are not names at all).
_NON_NAME_LABELS = frozenset(
    {"DATE", "TIME", "DATE_TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
)
TITLES_TEXT = (
    "mr mrs ms miss mx dr prof professor sir madam madame dame lady lord mister "
    "rev reverend fr father sister brother capt captain col colonel gen general lt "
    "sgt sergeant officer judge justice senator sen rep representative gov governor "
    "president minister pres coach uncle aunt auntie grandma grandpa"
)
TITLES = frozenset(TITLES_TEXT.split())
_SPEECH_VERBS_TEXT = "said says told added explained asked replied wrote noted insisted argued"
_SPEECH_VERBS = frozenset(_SPEECH_VERBS_TEXT.split())
_NAME_CUES = (("my", "name", "is"), ("name", "is"), ("named",), ("called",), ("name", ":"))
# Words that end a run of capitalised words as an address or a company, not a name.
_NOT_NAME_PARTS_TEXT = (
    "Street St Road Rd Avenue Ave Lane Ln Drive Dr Boulevard Blvd Court Ct Place Square "
    "Park Creek Hill Hills Cliffs Way Apt Suite Unit Inc Ltd LLC Corp Co Company Group "
    "PLC GmbH Bank University College School Hospital Hotel Club City County Tales"
)
_NOT_NAME_PARTS = frozenset(_NOT_NAME_PARTS_TEXT.split())
_INITIAL = re.compile(r"^[A-Z]\.?$")
_NAME_WORD = re.compile(r"^[A-Z][^\W\d_]*(?:[-'][A-Za-z][^\W\d_]*)*$")
_MAX_PARTS = 4


def _is_name_word(tok: Token) -> bool:
    """A capitalised alphabetic word (Unicode letters, hyphen/apostrophe parts allowed)."""
    return _is_initial(tok) or (bool(_NAME_WORD.match(tok.text)) and not tok.text.isupper())


def _is_initial(tok: Token) -> bool:
    return bool(_INITIAL.match(tok.text))


def _blocked(doc: Doc) -> list[bool]:
    """Tokens inside dates, numbers and amounts: never part of a name."""
    out = [False] * len(doc)
    for ent in doc.ents:
        if ent.label_ in _NON_NAME_LABELS:
            for i in range(ent.start, ent.end):
                out[i] = True
    return out


def _name_run(doc: Doc, i: int, blocked: Sequence[bool]) -> int:
    """End token index of the run of name words starting at ``i`` (== i when none)."""
    j = i
    while (
        j < len(doc)
        and j - i < _MAX_PARTS
        and not blocked[j]
        and _is_name_word(doc[j])
        and doc[j].text.rstrip(".") not in _NOT_NAME_PARTS
        and (j == i or doc[j - 1].whitespace_ or doc[j].text == "-")
    ):
        j += 1
    while j > i and _is_initial(doc[j - 1]):  # a name does not end in an initial
        j -= 1
    if j < len(doc) and doc[j].text.rstrip(".") in _NOT_NAME_PARTS:
        return i  # "Kent Street", "Russell Investments Inc": an address or a company
    return j


def _free(tok: Token) -> bool:
    """Not inside a non-person entity: the rules do not fight spaCy's GPE/ORG calls."""
    return tok.ent_type_ in {"", "PERSON", "PER"}


def _span(doc: Doc, i: int, j: int, score: float, rule: str) -> Span:
    return Span(doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text), score, rule)


def _implausible(doc: Doc, start: int, end: int) -> bool:
    """A spaCy PERSON span that is an address line or shouting headline, not a name."""
    toks = doc[start:end]
    if any(t.like_num or "\n" in t.text for t in toks):
        return True  # "Box 8144", "Alloa 3 Hawick 1"
    if start > 0 and doc[start - 1].like_num:
        return True  # "35108 ul. Zamkowa", "6750 Koskikatu": after a house number
    return len(toks) == 1 and toks[0].is_upper and len(toks[0].text) > 2  # "HAMBURG"


def ner_person(doc: Doc, blocked: Sequence[bool], strict: bool = False) -> list[Span]:
    """spaCy PERSON entities, without a trailing possessive (``strict``: minus junk)."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in PERSON_LABELS:
            continue
        end = ent.end
        while end > ent.start and doc[end - 1].text in {"'s", "\u2019s", "'", "\u2019"}:
            end -= 1
        if strict and _implausible(doc, ent.start, end):
            continue
        if end > ent.start:
            out.append(_span(doc, ent.start, end, NER_SCORE, "ner"))
    return out


def _left_part(tok: Token, blocked: Sequence[bool]) -> bool:
    """A name part before a spaCy PERSON span: a capitalised proper noun outside entities."""
    return (
        not blocked[tok.i]
        and _is_name_word(tok)
        and tok.ent_iob_ == "O"
        and (tok.text in GIVEN_NAMES or _is_initial(tok))
    )


def extend_ner(doc: Doc, blocked: Sequence[bool]) -> list[Span]:
    """Widen spaCy PERSON entities over adjacent initials and capitalised name parts."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in PERSON_LABELS:
            continue
        start, end = ent.start, ent.end
        while start > 0 and _left_part(doc[start - 1], blocked):
            start -= 1
        new_end = _name_run(doc, end, blocked) if end < len(doc) and _is_initial(doc[end]) else end
        if new_end == end and end + 1 < len(doc) and doc[end].text == "-":
            new_end = _name_run(doc, end + 1, blocked)
            new_end = new_end if new_end > end + 1 else end
        if (start, new_end) != (ent.start, ent.end):
            out.append(_span(doc, start, max(new_end, end), NER_SCORE, "extend"))
    return out


def titled_names(doc: Doc, blocked: Sequence[bool]) -> list[Span]:
    """ "Dr. Emily Watson", "Mr Smith": a title followed by capitalised name words."""
    out = []
    for i, tok in enumerate(doc[:-1]):
        if tok.lower_.rstrip(".") not in TITLES or not tok.text[:1].isupper():
            continue
        k = i + 1
        if doc[k].text == "." and k + 1 < len(doc):
            k += 1
        j = _name_run(doc, k, blocked)
        if j > k:
            out.append(_span(doc, k, j, TITLE_SCORE, "title"))
    return out


def given_names(doc: Doc, blocked: Sequence[bool]) -> list[Span]:
    """A known given name (title case, not in a date/number), with the name words after it."""
    out = []
    for i, tok in enumerate(doc):
        if tok.text not in GIVEN_NAMES or blocked[i] or not _free(tok):
            continue
        if i > 0 and (doc[i - 1].like_num or doc[i - 1].text in {"St.", "St", "San", "El"}):
            continue  # "82 Zachary Cliffs", "St. Louis"
        j = _name_run(doc, i, blocked)
        if j == i and i + 1 < len(doc) and doc[i + 1].text.rstrip(".") in _NOT_NAME_PARTS:
            continue
        out.append(_span(doc, i, max(j, i + 1), RULE_SCORE, "given"))
    return out


def cue_names(doc: Doc, blocked: Sequence[bool]) -> list[Span]:
    """Names introduced by a cue ("my name is X", "named X") or before/after "said"."""
    out = []
    low = [t.lower_ for t in doc]
    for i in range(len(doc)):
        for cue in _NAME_CUES:
            if tuple(low[i : i + len(cue)]) != cue:
                continue
            k = i + len(cue)
            if k >= len(doc):
                continue
            j = _name_run(doc, k, blocked)
            if j == k and cue[-1] == "is" and doc[k].is_alpha and not doc[k].is_stop:
                j = k + 1  # "my name is vitoria": lower case accepted after the cue
            if j > k and all(_free(t) for t in doc[k:j]):
                out.append(_span(doc, k, j, RULE_SCORE, "cue"))
        if low[i] in _SPEECH_VERBS:
            j = i  # "Coste said": name words ending right before the verb
            k = j
            while k > 0 and j - k < _MAX_PARTS and _is_name_word(doc[k - 1]) and not blocked[k - 1]:
                k -= 1
            names = doc[k:j]
            if k < j and all(_free(t) and t.pos_ == "PROPN" and not t.is_stop for t in names):
                out.append(_span(doc, k, j, RULE_SCORE, "said"))
    return out


DocRule = Callable[["Doc", Sequence[bool]], list[Span]]

DOC_RULES: dict[str, DocRule] = {
    "extend": extend_ner,
    "title": titled_names,
    "given": given_names,
    "cue": cue_names,
}
ALL_RULES: tuple[str, ...] = (*DOC_RULES, "filter")
"""``filter`` drops implausible spaCy PERSON spans (numbers, house numbers, all caps)."""


def person_spans(doc: Doc, rules: Sequence[str]) -> list[Span]:
    """Person spans in ``doc``: spaCy's PERSON entities plus the enabled ``rules``."""
    blocked = _blocked(doc)
    spans = ner_person(doc, blocked, strict="filter" in rules)
    for name in rules:
        if name in DOC_RULES:
            spans.extend(DOC_RULES[name](doc, blocked))
    return merge(spans)
