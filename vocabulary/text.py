"""The encodings label files may use: UTF-8 (with or without a BOM), else GB18030 (a
superset of GBK and GB2312, which Chinese tools write)."""

from __future__ import annotations

import codecs
import re

_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_GB_DECLARED = re.compile(
    rb"""^\s*<\?xml[^>]*encoding\s*=\s*["'](gb2312|gbk|gb18030|cp936)["']""", re.IGNORECASE)


def decode_text(data: bytes, *, gb18030_first: bool = False) -> tuple[str, str] | None:
    """(text, the codec that encodes it back: utf-8, utf-8-sig or gb18030), or None when the
    bytes are UTF-16/32, binary or neither encoding.

    Short GB18030 text is often valid UTF-8 too (小猫 is), so a file that declares a GB
    encoding (XML can) passes `gb18030_first`.
    """
    if data.startswith(_WIDE_BOMS) or b"\x00" in data:
        return None  # NUL never occurs in the text we accept
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", "utf-8-sig")
    if gb18030_first:
        return _strict(data, "gb18030", "gb18030")
    return _strict(data, "utf-8", "utf-8") or _strict(data, "gb18030", "gb18030")


def declared_gb_encoding(data: bytes) -> str | None:
    """The GB encoding an XML declaration at the start of `data` names (Chinese VOC tools
    write GBK and say so), as written; None if it names none."""
    found = _GB_DECLARED.match(data[:200])
    return found.group(1).decode() if found else None


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str] | None:
    try:
        return data.decode(codec), name
    except UnicodeDecodeError:
        return None
