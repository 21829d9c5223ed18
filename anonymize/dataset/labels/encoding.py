"""Label files are written back in the encoding they came in (UTF-8, UTF-8 with BOM, or
GB18030: the encodings intake accepts), so tools that read the original read the copy."""

from __future__ import annotations

import codecs


class LabelEncodingError(ValueError):
    """A label file that validation accepted no longer decodes (it should not happen)."""


def decode(data: bytes, gb18030_first: bool = False) -> tuple[str, str]:
    """(text, codec name for `encode`)."""
    order: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        order = ("utf-8-sig",)
    elif gb18030_first:
        order = ("gb18030",)
    else:
        order = ("utf-8", "gb18030")
    for codec in order:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise LabelEncodingError("a label file is not UTF-8 or GB18030 text")


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec)
