"""Label files as text: the accepted encodings, and cells a spreadsheet would execute."""

from __future__ import annotations

import codecs
import re

from intake.problems import Problems

_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# C0 controls other than tab, newlines, vertical tab and form feed: binary, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_PHONE = re.compile(r"^\+[0-9][0-9 ().-]{5,24}$")


def decode_text(data: bytes, file: str, problems: Problems, *,
                gb18030_first: bool = False) -> tuple[str, str] | None:
    """UTF-8 (a BOM is stripped) or else strict GB18030; returns (text, encoding name).

    Short GB18030 text is often valid UTF-8 too (小猫 is), so a file that declares a GB
    encoding (XML can) passes `gb18030_first`.
    """
    decoded = _decode(data, gb18030_first)
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


def _decode(data: bytes, gb18030_first: bool) -> tuple[str, str] | None:
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        return None  # UTF-16/32 or binary; NUL never occurs in the text we accept
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", "utf-8-sig")
    if gb18030_first:
        return _strict(data, "gb18030", "gb18030")
    return _strict(data, "utf-8", "utf-8") or _strict(data, "gb18030", "gb18030")


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str] | None:
    try:
        return data.decode(codec), name
    except UnicodeDecodeError:
        return None
