"""Names in text typed without case: all lower case ("follow up with priya sharma") or all
capitals ("ZHANG WEI TO LEAD"). Capitals tell the other rules and spaCy where names are;
here they tell nothing, so a name is a word of the name lists (name_lists.py) that no
dictionary knows, with the listed words next to it.
"""

from __future__ import annotations

from anonymize.recognizers.person.en_tokens import Tokens
from anonymize.recognizers.person.spans import Span

CASELESS_SCORE = 0.5
MAX_PARTS = 3
_MIN_LETTERS = 12  # fewer letters say nothing about how the text is typed


def caseless(t: Tokens) -> bool:
    """The text's letters are all lower case or all capitals."""
    text = t.text
    if text != text.lower() and text != text.upper():
        return False  # the usual case, decided by two string copies
    return sum(c.isalpha() for c in text) >= _MIN_LETTERS


def _candidate(t: Tokens, k: int) -> bool:
    word = t.words[k]
    return (t.listed[k] and len(word) > 1 and not t.stop[k] and t.free[k]
            and any(c.isalpha() for c in word))


def caseless_names(t: Tokens) -> list[Span]:
    """Runs of listed words, at least one of them unknown to the dictionary."""
    if not caseless(t):
        return []
    out = []
    i = 0
    while i < t.n:
        j = i
        while j < t.n and j - i < MAX_PARTS and _candidate(t, j) and (j == i or t.spaced[j - 1]):
            j += 1
        if j > i and any(not t.known[k] for k in range(i, j)):
            out.append(t.span(i, j, CASELESS_SCORE, "caseless"))
        i = max(j, i + 1)
    return out
