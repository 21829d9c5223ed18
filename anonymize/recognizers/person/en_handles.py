"""Names glued to digits or written as handles: "thanks to mike123", "ask @priya_s",
"@jsmith99". A user name made of a person's name identifies the person as the name does.
"""

from __future__ import annotations

import re

from anonymize.recognizers.person.en_tokens import Tokens
from anonymize.recognizers.person.name_lists import name_lists
from anonymize.recognizers.person.spans import Span

HANDLE_SCORE = 0.4
_MIN_NAME = 3
# "@handle", or letters then one to four digits ("mike123", "Anna92").
_HANDLE = re.compile(r"@(?P<handle>[^\W\d_]{2,}(?:[._][^\W\d_]+)*)\d{0,4}"
                     r"|(?P<glued>[^\W\d_]{3,})\d{1,4}")
_PARTS = re.compile(r"[._]")


def _named(letters: str) -> bool:
    """The letters are, begin or end with a listed name ("priya", "jsmith", "annak")."""
    given, surnames = name_lists()
    for part in _PARTS.split(letters.lower()):
        if part in given or part in surnames:
            return True
        if len(part) > _MIN_NAME and (part[1:] in surnames or part[:-1] in given):
            return True  # an initial and a surname, a given name and an initial
    return False


_MAY_HOLD_ONE = re.compile(r"@|[^\W\d_]\d")


def handle_names(t: Tokens) -> list[Span]:
    if not _MAY_HOLD_ONE.search(t.text):
        return []  # most texts: no "@" and no letter followed by a digit
    out = []
    for i, word in enumerate(t.words):
        if not (word[-1].isdigit() or word[0] == "@"):
            continue  # a handle starts with "@" or ends in a digit
        match = _HANDLE.fullmatch(word)
        if match is None:
            continue
        handle, glued = match.group("handle"), match.group("glued")
        named = _named(handle) if handle is not None else glued.lower() in name_lists()[0]
        if named:
            out.append(t.span(i, i + 1, HANDLE_SCORE, "handle"))
    return out
