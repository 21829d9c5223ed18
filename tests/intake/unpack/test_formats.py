"""Magic bytes: the container formats, and archives nested in entries."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile

import pytest

from intake.unpack import ArchiveFormat, detect_format
from intake.unpack.formats import is_tar_header, starts_like_archive
from tests.intake.unpack.hostile import GOOD_DATA, make_tar, make_zip, tar_member


def old_tar_header(name: str = "a.jpg") -> bytes:
    info = tarfile.TarInfo(name)
    return info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "strict")[:257] + bytes(255)


def fix_checksum(block: bytes) -> bytes:
    blanked = block[:148] + b" " * 8 + block[156:]
    return blanked[:148] + b"%06o\x00 " % sum(blanked) + blanked[156:]


@pytest.mark.parametrize(("head", "expected"), [
    (make_zip([("a", b"1")]), ArchiveFormat.ZIP),
    (make_zip([]), ArchiveFormat.ZIP),
    (make_tar([tar_member("a", b"1")]), ArchiveFormat.TAR),
    (make_tar([tar_member("a", b"1")], gzipped=True), ArchiveFormat.TAR_GZ),
    (gzip.compress(b"not a tar", mtime=0), ArchiveFormat.TAR_GZ),  # found out while unpacking
    (bytes(512), ArchiveFormat.TAR),  # an empty tar starts with its end marker
    (fix_checksum(old_tar_header()), ArchiveFormat.TAR),
    (old_tar_header(), None),  # a v7 header whose checksum does not add up
    (bytes(511), None),
    (b"", None),
    (GOOD_DATA, None),
    (b"PK\x01\x02" + bytes(600), None),
    (bz2.compress(b"x"), None),
    (lzma.compress(b"x"), None),
    (b"\x89PNG\r\n\x1a\n" + bytes(600), None),
])
def test_detect_format(head: bytes, expected: ArchiveFormat | None) -> None:
    assert detect_format(head[:512]) is expected


def test_gnu_tar_headers_are_recognised() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        info = tarfile.TarInfo("a" * 200)  # a GNU long name comes first
        archive.addfile(info, io.BytesIO())
    assert is_tar_header(buffer.getvalue()[:512])


@pytest.mark.parametrize(("head", "nested"), [
    (make_zip([("a", b"1")]), True),
    (make_zip([]), True),
    (gzip.compress(b"x", mtime=0), True),
    (bz2.compress(b"x" * 1000), True),
    (bz2.compress(b""), True),
    (lzma.compress(b"x"), True),
    (b"7z\xbc\xaf\x27\x1c" + bytes(30), True),
    (b"Rar!\x1a\x07\x01\x00", True),
    (b"\x28\xb5\x2f\xfd" + bytes(10), True),
    (make_tar([tar_member("a", b"1")]), True),
    (GOOD_DATA, False),
    (b"BZh is how this text starts", False),
    (b"PK but not really", False),
    (bytes(2048), False),  # zeros are not an archive inside an entry
    (b"", False),
])
def test_starts_like_archive(head: bytes, nested: bool) -> None:
    assert starts_like_archive(head) is nested
