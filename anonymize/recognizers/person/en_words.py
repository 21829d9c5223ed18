"""Word lists of the English person rules, and the run of name words they all extend.

General English, written for the rules (not taken from any corpus): titles, speech
verbs, name cues, and words that end a run of capitalised
words as an address or a company rather than a name.
"""

from __future__ import annotations

from anonymize.recognizers.person.en_tokens import PARTICLES, Tokens

TITLES_TEXT = (
    "mr mrs ms miss mx dr prof professor sir madam madame dame lady lord mister "
    "rev reverend fr father sister brother capt captain col colonel gen general lt "
    "sgt sergeant officer judge justice senator sen rep representative gov governor "
    "president minister pres coach uncle aunt auntie grandma grandpa")
TITLES = frozenset(TITLES_TEXT.split())
# Titles that are nothing but titles: any capitalised words after them are a name.
_HONORIFICS_TEXT = (
    "mr mrs ms miss mx dr prof sir madam madame dame mister rev fr capt col gen lt sgt sen "
    "rep gov pres")
HONORIFICS = frozenset(_HONORIFICS_TEXT.split())
_SPEECH_VERBS_TEXT = "said says told added explained asked replied wrote noted insisted argued"
SPEECH_VERBS = frozenset(_SPEECH_VERBS_TEXT.split())
# Token sequences (lower case) right before a name.
NAME_CUES: tuple[tuple[str, ...], ...] = (
    ("my", "name", "is"), ("name", "is"), ("named",), ("called",), ("name", ":"),
    ("call", "me"), ("calls", "me"), ("name", "?"), ("by", ":"), ("dear",),
)
CUES_BY_FIRST_WORD: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(c for c in NAME_CUES if c[0] == first) for first, *_ in NAME_CUES}
# Words that end a run of capitalised words as an address or a company, not a name.
_NOT_NAME_PARTS_TEXT = (
    "Street St Road Rd Avenue Ave Lane Ln Drive Dr Boulevard Blvd Court Ct Place Square "
    "Park Creek Hill Hills Cliffs Way Apt Suite Unit Inc Ltd LLC Corp Co Company Group "
    "PLC GmbH Bank University College School Hospital Hotel Club City County")
NOT_NAME_PARTS = frozenset(_NOT_NAME_PARTS_TEXT.split())
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
MAX_PARTS = 4


def name_run(t: Tokens, i: int) -> int:
    """End token index of the run of name words starting at ``i`` (== i when none).

    Name words are capitalised words and initials, each after a space; a hyphen with no
    space either side joins the next word, lower case too ("Lahti-oja"); lower-case
    particles join when a name word follows ("ten Brink"). A run does not end in an
    initial.
    """
    n = t.n
    if i >= n or not t.cap[i]:
        return i
    j, parts = i, 0
    while j < n and parts < MAX_PARTS and not t.blocked[j]:
        if (t.cap[j] and t.words[j].rstrip(".") not in NOT_NAME_PARTS
                and (j == i or t.spaced[j - 1])):
            j, parts = j + 1, parts + 1
        elif j > i and _hyphen_joins(t, j):
            j += 2
        elif j > i and t.spaced[j - 1] and t.words[j] in PARTICLES:
            k = j
            while k < n and t.words[k] in PARTICLES and t.spaced[k]:
                k += 1
            if k < n and t.cap[k] and not t.initial[k] and not t.blocked[k]:
                j = k
            else:
                break
        else:
            break
    while j > i and t.initial[j - 1]:
        j -= 1
    if j < n and t.words[j].rstrip(".") in NOT_NAME_PARTS:
        return i  # "Kent Street", "Russell Investments Inc": an address or a company
    return j


def _hyphen_joins(t: Tokens, j: int) -> bool:
    return (t.words[j] in _HYPHENS and not t.spaced[j - 1] and not t.spaced[j]
            and j + 1 < t.n and t.words[j + 1].isalpha() and not t.blocked[j + 1])
