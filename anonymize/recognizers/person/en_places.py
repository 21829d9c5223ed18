"""Place context: a name-shaped span right after "in" or "near" is a place ("a week in
Tarnby"). spaCy's small model calls many towns it does not know people; a person is rarely
"in" someone, and "in Ann's house" (a possessive after the name) stays a person. A
character test on the text around the span.
"""

from __future__ import annotations

import re

_PLACE_CUE = re.compile(r"\b(?:in|near)\s+$")
_POSSESSIVE = re.compile(r"['’]")
_CUE_REACH = 8  # characters before the span that the cue and its spaces may take


def place_by_context(text: str, start: int, end: int) -> bool:
    """The span [start, end) of ``text`` follows "in" or "near" and is no possessive."""
    return (_PLACE_CUE.search(text[max(0, start - _CUE_REACH) : start]) is not None
            and _POSSESSIVE.match(text, end) is None)
