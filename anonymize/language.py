"""Which analysers a text needs, by its content: Han characters, Latin words, or both."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Han characters and CJK punctuation: what the English model must not see.
_NOT_ENGLISH = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                          r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                          r"\U00020000-\U0002ffff]")


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



def english_view(text: str) -> str:
    """`text` with Han characters and CJK punctuation blanked, same length (offsets hold).

    Chinese has no spaces, so the English tokenizer reads "张三的手机是13812345678" as one
    token and its entity model may call the whole sentence a date or a place; blanked, an
    English name or number inside a Chinese sentence stands on its own.
    """
    return _NOT_ENGLISH.sub(" ", text)
