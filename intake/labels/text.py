"""Label files as text: the accepted encodings, and cells a spreadsheet would execute."""

from __future__ import annotations

import re

from intake.problems import Problems
from vocabulary import decode_text

# C0 controls other than tab, newlines, vertical tab and form feed: binary, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_PHONE = re.compile(r"^\+[0-9][0-9 ().-]{5,24}$")


def read_label_text(data: bytes, file: str, problems: Problems, *,
                    gb18030_first: bool = False) -> tuple[str, str] | None:
    """`vocabulary.decode_text`, refusing control characters too; (text, encoding name), or
    None with the problem recorded."""
    decoded = decode_text(data, gb18030_first=gb18030_first)
    if decoded is None or _CONTROL.search(decoded[0]):
        problems.error("label.encoding", "not UTF-8 or GB18030 text (UTF-16/32, binary or "
                       "undecodable bytes)", file=file)
        return None
    return decoded


def is_formula(value: str) -> bool:
    """A cell a spreadsheet would evaluate (CSV injection). Signed numbers and phone numbers
    (`+86 138-1234-5678`, `-3.5`) and a lone `-` are data, common in labels, not flagged."""
    return len(value) > 1 and value.startswith(_FORMULA_START) \
        and _NUMBER.fullmatch(value) is None and _PHONE.fullmatch(value) is None
