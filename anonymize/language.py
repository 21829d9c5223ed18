"""Which analysers a text needs, by its content: Han characters, Latin words, or both."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def languages_of(text: str, requested: str = "auto") -> tuple[str, ...]:
    """`zh` when the text has Han characters, `en` when it has Latin words; a mixed text
    gets both (an English name in a Chinese sentence is still a name)."""
    if requested != "auto":
        return (requested,)
    found = []
    if _HAN.search(text):
        found.append("zh")
    if _LATIN_WORD.search(text) or not found:
        found.append("en")
    return tuple(found)

