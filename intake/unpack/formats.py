"""Telling archive formats, and archives nested in entries, apart by their magic bytes."""

from __future__ import annotations

import re
from enum import StrEnum

HEAD_BYTES = 512  # one tar header block: enough for every check here

_TAR_BLOCK = 512
_CHECKSUM = slice(148, 156)
_OCTAL = re.compile(rb"[0-7]{1,8}")
_BZIP2 = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")  # a block, or the end of an empty stream
_NESTED_MAGIC = (
    b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08",  # zip (local header, empty, spanned)
    b"\x1f\x8b",  # gzip
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",  # 7z
    b"Rar!\x1a\x07",  # rar 1.5 and 5
    b"\x28\xb5\x2f\xfd",  # zstd
)


class ArchiveFormat(StrEnum):
    ZIP = "zip"
    TAR = "tar"
    TAR_GZ = "tar_gz"


def detect_format(head: bytes) -> ArchiveFormat | None:
    """The container format of an upload from its first HEAD_BYTES bytes, or None.

    A gzip is taken for a tar.gz; that it really holds a tar is checked while unpacking.
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ArchiveFormat.ZIP
    if head.startswith(b"\x1f\x8b"):
        return ArchiveFormat.TAR_GZ
    if len(head) >= _TAR_BLOCK and not any(head[:_TAR_BLOCK]):
        return ArchiveFormat.TAR  # an end-of-archive block first: an empty tar
    if is_tar_header(head):
        return ArchiveFormat.TAR
    return None


def is_tar_header(block: bytes) -> bool:
    """A ustar/GNU header (magic at 257) or an old-style header with a valid checksum."""
    if len(block) < _TAR_BLOCK:
        return False
    if block[257:262] == b"ustar":
        return True
    field = block[_CHECKSUM].split(b"\x00", 1)[0].strip()
    if _OCTAL.fullmatch(field) is None:
        return False
    stored = int(field, 8)
    header = block[:148] + b" " * 8 + block[156:_TAR_BLOCK]
    unsigned = sum(header)
    signed = unsigned - 256 * sum(1 for byte in header if byte > 127)  # some old tars
    return stored in (unsigned, signed)


def starts_like_archive(head: bytes) -> bool:
    """Whether an entry's content is itself an archive or a compressed stream."""
    return (head.startswith(_NESTED_MAGIC) or _BZIP2.match(head) is not None
            or is_tar_header(head))
