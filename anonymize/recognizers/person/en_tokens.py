"""What the English person rules read of a spaCy ``Doc``, and their word tests.

``Tokens`` copies each token's text, offsets and entity label into plain lists once per
text: the rules look at each token many times, and every ``doc[i]`` builds a Python
object. Name words are recognised by letters (any script, diacritics included), not by
``[A-Z]``: "Øyvind", "Šárka" and "Ó" are names as much as "Ann".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from anonymize.recognizers.person.en_lexicon import Lexicon
from anonymize.recognizers.person.given_names import GIVEN_NAMES
from anonymize.recognizers.person.name_lists import all_names
from anonymize.recognizers.person.spans import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

PERSON_LABELS = frozenset({"PERSON", "PER"})
# Dates, numbers and amounts: a token inside one is never part of a name.
NUMBER_LABELS = frozenset(
    {"DATE", "TIME", "DATE_TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
# Labels Airlock reports under another type (place, organisation, nationality): a name
# spaCy put there is covered already, and the rules do not fight its call. Names inside
# the labels Presidio drops (FAC, WORK_OF_ART, PRODUCT, EVENT, LAW, LANGUAGE) would be
# lost, so the rules treat those tokens as free.
REPORTED_LABELS = frozenset({"GPE", "LOC", "LOCATION", "ORG", "NORP"})
# Lower-case name particles between name words: "Anna ten Brink", "Bram van de Vink".
_PARTICLES_TEXT = "van von der den de del della di da do dos das du des le la ten ter bin ibn al el"
PARTICLES = frozenset(_PARTICLES_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_INITIAL = re.compile(r"[^\W\d_]\.?")
_PARTS = re.compile(r"['’\-]")
# Product and brand names are written in camel case (DotA, PlayStation, NBALive); names
# only after a prefix (McDonald, MacArthur, DeShawn, LeBron, DiCaprio, O'Neil).
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O['’]|D['’]|De|Di|Da|Du|La|Le|St|Van|Von)")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_COLUMNS: list[int | str] = ["IDX", "LENGTH", "SPACY", "IS_STOP", "LIKE_NUM", "ENT_IOB", "ENT_TYPE"]
_IOB_BEGIN = 3  # spaCy's ENT_IOB codes: 1 inside, 2 outside, 3 begins


def brand_shaped(word: str) -> bool:
    """A capital inside the word that no name prefix explains: DotA, SoZ, CSOnline."""
    return _CAMEL.search(_NAME_PREFIX.sub("", word)) is not None


def _namelike(given: list[bool], initial: list[bool], unknown: list[bool], cap: list[bool],
              listed: list[bool]) -> list[bool]:
    """A given name, an initial or an unknown word; or a capitalised word of the name lists
    next to one of those ("Tünde Hoffmann": WordNet knows the physicist, so Hoffmann alone
    is a word, but not beside a name; "Date:" alone stays a word)."""
    strong = [g or i or u for g, i, u in zip(given, initial, unknown, strict=True)]
    n = len(strong)
    return [strong[k] or (cap[k] and listed[k]
                          and ((k > 0 and strong[k - 1]) or (k + 1 < n and strong[k + 1])))
            for k in range(n)]


@dataclass(frozen=True)
class Tokens:
    """Per-token lists of a ``Doc``, and the word tests of each token, computed once.

    ``cap``: a capitalised word of letters (hyphen and apostrophe parts allowed) or an
    initial, not an all-capitals word ("HAMBURG", "NATO"). ``unknown``: a capitalised
    word no part of which the dictionary knows ("Szabadi"; stop words such as "The",
    which WordNet does not list, count as known). ``listed``: a given name or surname of
    Faker's lists, in any case. ``namelike``: a given name, an initial, an unknown word or
    a capitalised listed word. ``free``: not in a date or number, nor in an entity Airlock
    reports as something else.
    """

    words: list[str]
    lower: list[str]
    starts: list[int]
    spaced: list[bool]  # whitespace follows the token
    labels: list[str]  # spaCy entity label, "" outside entities
    begins: list[bool]  # the token starts an entity
    stop: list[bool]
    numeric: list[bool]
    blocked: list[bool]  # inside a date, number or amount
    space: list[bool]  # a whitespace token
    initial: list[bool]
    cap: list[bool]
    given: list[bool]
    unknown: list[bool]
    known: list[bool]  # a dictionary word (or part, when hyphenated); looked up where read
    plural: list[bool]  # the plural of a dictionary noun ("Tales", "heifers")
    not_noun: list[bool]  # a dictionary lemma that is also a verb, adjective or adverb
    listed: list[bool]
    namelike: list[bool]
    free: list[bool]
    n: int  # the number of tokens
    text: str

    @classmethod
    def of(cls, doc: Doc, text: str, lexicon: Lexicon) -> Tokens:
        """The lists of ``doc``, the analysis of ``text``."""
        # One array read instead of a Token object per attribute and token.
        columns = doc.to_array(_COLUMNS).T.tolist() if len(doc) else [[]] * len(_COLUMNS)
        starts, lengths, spaces, stops, nums, iobs, types = columns
        names = doc.vocab.strings
        words = [text[a : a + n] for a, n in zip(starts, lengths, strict=True)]
        lower = [w.lower() for w in words]
        spaced = [bool(x) for x in spaces]
        labels = [names[x] if x else "" for x in types]
        begins = [x == _IOB_BEGIN for x in iobs]
        stop = [bool(x) for x in stops]
        numeric = [bool(x) for x in nums]
        initial = [bool(_INITIAL.fullmatch(w)) and w[0].isupper() for w in words]
        cap = [ini or (w[0].isupper() and not (len(w) > 1 and w.isupper())
                       and bool(_WORD.fullmatch(w)))
               for w, ini in zip(words, initial, strict=True)]
        given = [w in GIVEN_NAMES for w in words]
        name_words = all_names()
        listed = [w in name_words for w in lower]
        # Looked up only where a rule reads it: capitalised and listed words, and spaCy's
        # names.
        known = [(c or li or label in PERSON_LABELS)
                 and any(lexicon.knows(p) for p in _PARTS.split(w) if len(p) > 1)
                 for w, c, li, label in zip(words, cap, listed, labels, strict=True)]
        plural = [k and len(w) > 3 and w.endswith("s") and not w.endswith("ss")
                  and lexicon.knows(w[:-1]) for w, k in zip(lower, known, strict=True)]
        not_noun = [k and w in lexicon.not_nouns for w, k in zip(lower, known, strict=True)]
        unknown = [c and not ini and not st and not brand_shaped(w) and not k
                   for w, c, ini, st, k in zip(words, cap, initial, stop, known, strict=True)]
        blocked = [label in NUMBER_LABELS for label in labels]
        return cls(
            words=words, lower=lower, starts=starts, spaced=spaced, labels=labels,
            begins=begins, stop=stop, numeric=numeric, blocked=blocked,
            space=[not w.strip() for w in words], initial=initial, cap=cap, given=given,
            unknown=unknown, known=known, plural=plural, not_noun=not_noun, listed=listed,
            namelike=_namelike(given, initial, unknown, cap, listed),
            free=[not b and label not in REPORTED_LABELS
                  for b, label in zip(blocked, labels, strict=True)],
            n=len(words), text=text)

    def span(self, i: int, j: int, score: float, rule: str) -> Span:
        """Characters of tokens [i, j)."""
        return Span(self.starts[i], self.starts[j - 1] + len(self.words[j - 1]), score, rule)

    def entities(self, labels: frozenset[str]) -> list[tuple[int, int]]:
        """Token ranges of spaCy's entities with one of ``labels``."""
        out = []
        i = 0
        while i < self.n:
            if self.labels[i] in labels and self.begins[i]:
                j = i + 1
                while j < self.n and self.labels[j] == self.labels[i] and not self.begins[j]:
                    j += 1
                out.append((i, j))
                i = j
            else:
                i += 1
        return out
