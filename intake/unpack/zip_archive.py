"""The entries of a zip, read through the seekable adapter in local-header order."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Generator
from functools import partial
from operator import attrgetter

from intake.problems import Problems
from intake.unpack.budget import Budget
from intake.unpack.entry import ArchiveEntry, EntrySource
from intake.unpack.gate import EntryGate, size_findings
from intake.unpack.rules import CORRUPT_ENTRY, ENCRYPTED_ENTRY, SPECIAL_FILE, SYMLINK, Finding
from intake.unpack.seekable import Opener, SeekableSource
from intake.unpack.zip_directory import check_end_record

_ENCRYPTED = 0x1  # general purpose flag bits: 0, and 11 for UTF-8 names
_UTF8_NAME = 0x800
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                      zipfile.ZIP_LZMA})
_BUFFER = 64 * 1024


def zip_entries(open_source: Opener, size: int, budget: Budget, gate: EntryGate,
                problems: Problems) -> Generator[ArchiveEntry, None, None]:
    with SeekableSource(open_source, size) as raw, io.BufferedReader(raw, _BUFFER) as source:
        check_end_record(source, size, budget.limits)
        with zipfile.ZipFile(source) as archive:
            # Local-header order reads the source forward; zipfile reads each entry up to the
            # sizes the central directory declares, so those bound what is produced.
            infos = sorted(archive.infolist(), key=attrgetter("header_offset"))
            budget.count_entries(len(infos))
            budget.declare(sum(info.file_size for info in infos))
            for index, info in enumerate(infos):
                path = gate.admit(_stored_name(info), _findings(info, budget),
                                  directory=_is_dir(info))
                if path is None:
                    continue
                source_of_entry = EntrySource(partial(archive.open, info),
                                              damage_ends_archive=False)
                yield ArchiveEntry(path, info.file_size, index, source_of_entry, budget, problems)


def _stored_name(info: zipfile.ZipInfo) -> str:
    """The name as written. zipfile reads names not flagged UTF-8 as cp437, but many tools
    write other encodings without the flag: Info-ZIP on Linux writes UTF-8, and Windows in
    Chinese locales writes GBK. UTF-8 is tried first, then GB18030 (a superset of GBK)."""
    if info.flag_bits & _UTF8_NAME:
        return info.orig_filename  # uncut at a NUL, unlike info.filename
    raw = info.orig_filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def _is_dir(info: zipfile.ZipInfo) -> bool:
    """`ZipInfo.is_dir` fails on an empty name (a damaged header)."""
    return info.filename.endswith("/")


def _findings(info: zipfile.ZipInfo, budget: Budget) -> list[Finding]:
    found: list[Finding] = []
    if info.flag_bits & _ENCRYPTED:
        found.append(Finding(ENCRYPTED_ENTRY, "encrypted entry; upload it unencrypted"))
    elif info.compress_type not in _METHODS:
        found.append(Finding(CORRUPT_ENTRY, f"compression method {info.compress_type} is not "
                             "supported; use deflate"))
    mode = info.external_attr >> 16  # Unix mode, when the zip was made on Unix
    if stat.S_ISLNK(mode):
        found.append(Finding(SYMLINK, "symbolic link; links are not allowed"))
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        found.append(Finding(SPECIAL_FILE, "device, FIFO or socket; only files are allowed"))
    if not _is_dir(info):
        found.extend(size_findings(info.file_size, info.compress_size, budget.limits))
    return found
