"""Hostile archives, built in memory: one function per case, each returning the archive's bytes.

HOSTILE_ARCHIVES maps a case to its builder and the one rule the unpacker must report for it;
HOSTILE_FILES names the entry that rule must be reported for, where there is one.
"""

from __future__ import annotations

import gzip
import io
import random
import stat
import struct
import tarfile
import warnings
import zipfile
from collections.abc import Callable, Sequence

from intake.unpack.limits import MiB

GOOD_NAME = "images/ok.jpg"
GOOD_DATA = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4  # not an archive magic
ZipMember = tuple[str | zipfile.ZipInfo, bytes]


def make_zip(members: Sequence[ZipMember], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE,
               linkname: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.linkname = linkname
    info.mode = 0o644
    return info, data


def make_tar(members: Sequence[tuple[tarfile.TarInfo, bytes]], gzipped: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    # A fixed gzip time keeps the bytes, and so the test ids, the same in every process.
    return gzip.compress(buffer.getvalue(), mtime=0) if gzipped else buffer.getvalue()


def good_zip(*members: ZipMember) -> bytes:
    return make_zip([(GOOD_NAME, GOOD_DATA), *members])


def good_tar(*members: tuple[tarfile.TarInfo, bytes], gzipped: bool = False) -> bytes:
    return make_tar([tar_member(GOOD_NAME, GOOD_DATA), *members], gzipped)


def zip_slip_zip() -> bytes:
    return good_zip(("../evil.jpg", b"x"))


def zip_slip_tar() -> bytes:
    return good_tar(tar_member("../evil.jpg", b"x"))


def absolute_path_zip() -> bytes:
    return good_zip((zipfile.ZipInfo("/etc/evil.jpg"), b"x"))


def absolute_path_tar() -> bytes:
    return good_tar(tar_member("/etc/evil.jpg", b"x"))


def drive_letter_zip() -> bytes:
    return good_zip(("C:/evil.jpg", b"x"))


def backslash_zip() -> bytes:
    return good_zip(("images\\evil.jpg", b"x"))


def nul_in_name_zip() -> bytes:
    """zipfile cuts names at a NUL on both writing and reading: patch it in afterwards."""
    return good_zip(("evil.jpg#.txt", b"x")).replace(b"evil.jpg#.txt", b"evil.jpg\x00.txt")


def symlink_tar() -> bytes:
    return good_tar(tar_member("images/link.jpg", kind=tarfile.SYMTYPE, linkname="/etc/passwd"))


def symlink_zip() -> bytes:
    info = zipfile.ZipInfo("images/link.jpg")
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return good_zip((info, b"/etc/passwd"))


def hardlink_tar() -> bytes:
    return good_tar(tar_member("images/hard.jpg", kind=tarfile.LNKTYPE, linkname=GOOD_NAME))


def device_tar() -> bytes:
    return good_tar(tar_member("images/dev.jpg", kind=tarfile.CHRTYPE))


def fifo_tar() -> bytes:
    return good_tar(tar_member("images/fifo.jpg", kind=tarfile.FIFOTYPE))


def duplicate_zip() -> bytes:
    return good_zip(("images/a.jpg", b"first"), ("images/a.jpg", b"second"))


def case_collision_zip() -> bytes:
    return good_zip(("images/A.jpg", b"upper"), ("images/a.jpg", b"lower"))


def nfd_duplicate_zip() -> bytes:
    return good_zip(("images/\u00e9.jpg", b"composed"), ("images/e\u0301.jpg", b"decomposed"))


def zip_bomb() -> bytes:
    return good_zip(("images/bomb.jpg", bytes(50 * MiB)))


def tar_gz_bomb() -> bytes:
    return good_tar(tar_member("images/bomb.jpg", bytes(50 * MiB)), gzipped=True)


def declared_size_bomb_tar() -> bytes:
    """A header declaring 300 GiB, and no data: refused before anything is read."""
    info = tarfile.TarInfo("images/huge.jpg")
    info.size = 300 * 1024 * MiB
    header = info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")
    return header + bytes(1024)


def pax_header_bomb_tar() -> bytes:
    """An extended header claiming 8 GiB, which tarfile would read whole into memory."""
    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = 8 * 1024 * MiB
    header = info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")
    return header + b"30 path=" + b"a" * 4 * MiB


def header_chain_tar() -> bytes:
    """A thousand GNU long-name headers in a row: tarfile follows them by recursion."""
    link = tarfile.TarInfo("././@LongLink")
    link.type = tarfile.GNUTYPE_LONGNAME
    link.size = 101
    header = link.tobuf(tarfile.GNU_FORMAT, "utf-8", "strict") + b"a" * 100 + bytes(412)
    return header * 1000 + make_tar([tar_member(GOOD_NAME, GOOD_DATA)])


def lying_size_zip() -> bytes:
    """The central directory says 10 bytes; the entry holds 5000."""
    data = bytearray(good_zip(("images/lie.jpg", b"L" * 5000)))
    directory = data.rindex(b"PK\x01\x02")
    struct.pack_into("<L", data, directory + 24, 10)
    return bytes(data)


def lying_size_tar() -> bytes:
    """The header says 100 bytes; 5000 follow, so the next 'header' is entry data."""
    data = bytearray(make_tar([tar_member("images/lie.jpg", b"L" * 5000),
                               tar_member(GOOD_NAME, GOOD_DATA)]))
    header = data.index(b"images/lie.jpg") // 512 * 512
    data[header + 124:header + 136] = b"%011o\x00" % 100
    data[header + 148:header + 156] = b" " * 8
    data[header + 148:header + 155] = b"%06o\x00" % sum(data[header:header + 512])
    return bytes(data)


def short_entry_zip() -> bytes:
    """The central directory says 200 bytes; 100 are stored, and their CRC matches."""
    data = bytearray(make_zip([(GOOD_NAME, GOOD_DATA), ("images/short.jpg", b"S" * 100)],
                              zipfile.ZIP_STORED))
    struct.pack_into("<L", data, data.rindex(b"PK\x01\x02") + 24, 200)
    return bytes(data)


def corrupt_crc_zip() -> bytes:
    data = bytearray(make_zip([(GOOD_NAME, GOOD_DATA), ("images/bad.jpg", b"B" * 1000)],
                              zipfile.ZIP_STORED))
    data[data.index(b"B" * 1000) + 500] ^= 0xFF
    return bytes(data)


def truncated_zip() -> bytes:
    data = good_zip(("images/b.jpg", random.Random(1).randbytes(20_000)))
    return data[:len(data) // 2]


def truncated_tar() -> bytes:
    data = good_tar(tar_member("images/b.jpg", random.Random(2).randbytes(20_000)))
    return data[:len(data) // 2]


def truncated_tar_gz() -> bytes:
    data = good_tar(tar_member("images/b.jpg", random.Random(3).randbytes(20_000)),
                    gzipped=True)
    return data[:len(data) // 2]


def hidden_data_tar() -> bytes:
    """Two tars back to back: tarfile stops at the first end marker; the second is hidden."""
    return good_tar() + make_tar([tar_member("images/hidden.jpg", b"h")])


def empty_zip() -> bytes:
    return make_zip([])


def empty_tar() -> bytes:
    return make_tar([tar_member("images/", kind=tarfile.DIRTYPE)])


def random_bytes() -> bytes:
    return random.Random(4).randbytes(4096)


def jpeg_file() -> bytes:
    return GOOD_DATA


def gzip_of_text() -> bytes:
    return gzip.compress(b"just some text, not a tar\n" * 100, mtime=0)


def nested_zip_in_tar() -> bytes:
    return good_tar(tar_member("images/inner.zip", good_zip()))


def encrypted_zip() -> bytes:
    """The encryption flag set in the local header and the central directory (the last
    entry's record is the last one)."""
    data = bytearray(good_zip(("images/secret.jpg", b"S" * 100)))
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo("images/secret.jpg").header_offset
    data[local + 6] |= 0x1
    data[data.rindex(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


def junk_zip() -> bytes:
    return good_zip(("__MACOSX/images/._ok.jpg", b"j"), ("images/.DS_Store", b"j"),
                    ("Thumbs.db", b"j"), ("images/desktop.ini", b"j"))


def control_char_tar() -> bytes:
    return good_tar(tar_member("images/bell\x07.jpg", b"x"))


def too_deep_zip() -> bytes:
    return good_zip(("/".join(["d"] * 40) + "/deep.jpg", b"x"))


HOSTILE_ARCHIVES: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip_slip_zip": (zip_slip_zip, "unpack.path_traversal"),
    "zip_slip_tar": (zip_slip_tar, "unpack.path_traversal"),
    "absolute_path_zip": (absolute_path_zip, "unpack.absolute_path"),
    "absolute_path_tar": (absolute_path_tar, "unpack.absolute_path"),
    "drive_letter_zip": (drive_letter_zip, "unpack.absolute_path"),
    "backslash_zip": (backslash_zip, "unpack.backslash_in_name"),
    "nul_in_name_zip": (nul_in_name_zip, "unpack.invalid_name"),
    "control_char_tar": (control_char_tar, "unpack.invalid_name"),
    "too_deep_zip": (too_deep_zip, "unpack.invalid_name"),
    "symlink_tar": (symlink_tar, "unpack.symlink"),
    "symlink_zip": (symlink_zip, "unpack.symlink"),
    "hardlink_tar": (hardlink_tar, "unpack.hardlink"),
    "device_tar": (device_tar, "unpack.special_file"),
    "fifo_tar": (fifo_tar, "unpack.special_file"),
    "duplicate_zip": (duplicate_zip, "unpack.duplicate_name"),
    "case_collision_zip": (case_collision_zip, "unpack.case_collision"),
    "nfd_duplicate_zip": (nfd_duplicate_zip, "unpack.duplicate_name"),
    "zip_bomb": (zip_bomb, "unpack.ratio_exceeded"),
    "tar_gz_bomb": (tar_gz_bomb, "unpack.ratio_exceeded"),
    "declared_size_bomb_tar": (declared_size_bomb_tar, "unpack.total_size_exceeded"),
    "pax_header_bomb_tar": (pax_header_bomb_tar, "unpack.corrupt_archive"),
    "header_chain_tar": (header_chain_tar, "unpack.corrupt_archive"),
    "lying_size_zip": (lying_size_zip, "unpack.corrupt_entry"),
    "lying_size_tar": (lying_size_tar, "unpack.corrupt_archive"),
    "short_entry_zip": (short_entry_zip, "unpack.corrupt_entry"),
    "corrupt_crc_zip": (corrupt_crc_zip, "unpack.corrupt_entry"),
    "truncated_zip": (truncated_zip, "unpack.corrupt_archive"),
    "truncated_tar": (truncated_tar, "unpack.corrupt_archive"),
    "truncated_tar_gz": (truncated_tar_gz, "unpack.corrupt_archive"),
    "hidden_data_tar": (hidden_data_tar, "unpack.corrupt_archive"),
    "empty_zip": (empty_zip, "unpack.empty"),
    "empty_tar": (empty_tar, "unpack.empty"),
    "random_bytes": (random_bytes, "unpack.not_an_archive"),
    "jpeg_file": (jpeg_file, "unpack.not_an_archive"),
    "gzip_of_text": (gzip_of_text, "unpack.not_an_archive"),
    "nested_zip_in_tar": (nested_zip_in_tar, "unpack.nested_archive"),
    "encrypted_zip": (encrypted_zip, "unpack.encrypted_entry"),
    "junk_zip": (junk_zip, "unpack.junk_ignored"),
}

HOSTILE_FILES: dict[str, str] = {
    "zip_slip_zip": "../evil.jpg",
    "zip_slip_tar": "../evil.jpg",
    "absolute_path_zip": "/etc/evil.jpg",
    "absolute_path_tar": "/etc/evil.jpg",
    "drive_letter_zip": "C:/evil.jpg",
    "backslash_zip": "images\\evil.jpg",
    "nul_in_name_zip": "evil.jpg\\x00.txt",
    "control_char_tar": "images/bell\\x07.jpg",
    "too_deep_zip": "/".join(["d"] * 40) + "/deep.jpg",
    "symlink_tar": "images/link.jpg",
    "symlink_zip": "images/link.jpg",
    "hardlink_tar": "images/hard.jpg",
    "device_tar": "images/dev.jpg",
    "fifo_tar": "images/fifo.jpg",
    "duplicate_zip": "images/a.jpg",
    "case_collision_zip": "images/a.jpg",
    "nfd_duplicate_zip": "images/e\u0301.jpg",
    "zip_bomb": "images/bomb.jpg",
    "tar_gz_bomb": "images/bomb.jpg",
    "lying_size_zip": "images/lie.jpg",
    "short_entry_zip": "images/short.jpg",
    "corrupt_crc_zip": "images/bad.jpg",
    "nested_zip_in_tar": "images/inner.zip",
    "encrypted_zip": "images/secret.jpg",
    "junk_zip": "__MACOSX/images/._ok.jpg",
}
