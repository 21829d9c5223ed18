"""Label files are written back in the encoding they came in (UTF-8, UTF-8 with BOM, or
GB18030: the encodings intake accepts), so tools that read the original read the copy."""

from __future__ import annotations

from vocabulary import decode_text


class LabelEncodingError(ValueError):
    """A label file that validation accepted no longer decodes (it should not happen)."""


def decode(data: bytes, gb18030_first: bool = False) -> tuple[str, str]:
    """(text, codec name for `encode`)."""
    decoded = decode_text(data, gb18030_first=gb18030_first)
    if decoded is None:
        raise LabelEncodingError("a label file is not UTF-8 or GB18030 text")
    return decoded


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec)
