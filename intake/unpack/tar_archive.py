"""The entries of a tar or tar.gz, read in one forward pass with tarfile's streaming mode."""

from __future__ import annotations

import gzip
import tarfile
from collections.abc import Generator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from typing import IO, Self

from intake.problems import Problems
from intake.unpack.budget import Budget
from intake.unpack.entry import ArchiveEntry, EntrySource
from intake.unpack.errors import Fatal
from intake.unpack.gate import EntryGate, size_findings
from intake.unpack.limits import MiB
from intake.unpack.rules import (
    CORRUPT_ARCHIVE,
    HARDLINK,
    NOT_AN_ARCHIVE,
    SPECIAL_FILE,
    SYMLINK,
    Finding,
)
from intake.unpack.seekable import Opener
from intake.unpack.streams import CountingReader, Readable, TarStream

# How far past the end of the current entry tarfile may read to parse the next header,
# extended (pax, GNU long name) headers included.
HEADER_ALLOWANCE = 1 * MiB
_DRAIN_CHUNK = 1 * MiB
# tarfile follows chained extended headers by recursion, so a long chain overflows the stack.
_CHAIN_TOO_LONG = "a chain of extended tar headers too long to follow"


@dataclass
class _HeaderWatch:
    """The block tarfile last failed to parse as a header. After the first entry tarfile ends
    the iteration quietly on any such block, damaged or the end-of-archive marker alike."""

    failed_block: bytes | None = None

    @property
    def damaged(self) -> bool:
        return self.failed_block is not None and any(self.failed_block)


def tar_entries(open_source: Opener, gzipped: bool, budget: Budget, gate: EntryGate,
                problems: Problems) -> Generator[ArchiveEntry, None, None]:
    with ExitStack() as stack:
        compressed = CountingReader(stack.enter_context(open_source()))
        plain: Readable = compressed
        if gzipped:
            # Decompressed here rather than by tarfile ("r|gz") so that every decompressed
            # byte, skipped ones too, passes the ratio check in TarStream. The ratio is taken
            # over the whole stream so far: per entry it would be skewed by read-ahead.
            plain = stack.enter_context(gzip.GzipFile(fileobj=compressed, mode="rb"))
        stream = TarStream(plain, compressed if gzipped else None, budget.limits.max_ratio)
        watch = _HeaderWatch()
        stream.cap = HEADER_ALLOWANCE
        tar = stack.enter_context(_open(stream, watch, gzipped))
        while (info := _next_member(tar)) is not None:
            # Stream mode keeps every member it has seen; nothing here needs them again.
            tar.members.clear()  # type: ignore[attr-defined]
            stream.cap = tar.offset + HEADER_ALLOWANCE
            budget.count_entries()
            budget.declare(info.size)
            path = gate.admit(info.name, _findings(info, budget), directory=info.isdir())
            if path is None:
                continue
            entry_source = EntrySource(partial(_extract, tar, info), damage_ends_archive=True)
            yield ArchiveEntry(path, info.size, budget.entries - 1, entry_source, budget,
                               problems)
        _check_end(tar, watch, stream)


def _open(stream: TarStream, watch: _HeaderWatch, gzipped: bool) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=stream, mode="r|", tarinfo=_watching(watch),
                            encoding="utf-8", errors="surrogateescape")
    except tarfile.ReadError:
        if watch.failed_block is None:
            raise
        if gzipped:
            raise Fatal(NOT_AN_ARCHIVE, "a gzip file that does not hold a tar archive") from None
        raise Fatal(CORRUPT_ARCHIVE, "the first tar header is damaged") from None
    except RecursionError:
        raise Fatal(CORRUPT_ARCHIVE, _CHAIN_TOO_LONG) from None


def _next_member(tar: tarfile.TarFile) -> tarfile.TarInfo | None:
    try:
        return tar.next()
    except RecursionError:
        raise Fatal(CORRUPT_ARCHIVE, _CHAIN_TOO_LONG) from None


def _watching(watch: _HeaderWatch) -> type[tarfile.TarInfo]:
    class WatchedTarInfo(tarfile.TarInfo):
        @classmethod
        def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Self:
            try:
                return super().frombuf(buf, encoding, errors)
            except tarfile.HeaderError:
                watch.failed_block = bytes(buf)
                raise

    return WatchedTarInfo


def _extract(tar: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    member = tar.extractfile(info)
    if member is None:  # only regular files are handed out, and those always extract
        raise tarfile.ReadError("not a regular file")
    return member


def _findings(info: tarfile.TarInfo, budget: Budget) -> list[Finding]:
    if info.issym():
        return [Finding(SYMLINK, "symbolic link; links are not allowed")]
    if info.islnk():
        return [Finding(HARDLINK, "hard link; links are not allowed")]
    if info.ischr() or info.isblk():
        return [Finding(SPECIAL_FILE, "device file; only files are allowed")]
    if info.isfifo():
        return [Finding(SPECIAL_FILE, "FIFO; only files are allowed")]
    if info.issparse():
        return [Finding(SPECIAL_FILE, "sparse file; only plain files are allowed")]
    if info.isdir():
        return []
    if not info.isreg():
        return [Finding(SPECIAL_FILE, "unsupported tar entry type; only files are allowed")]
    return size_findings(info.size, None, budget.limits)


def _check_end(tar: tarfile.TarFile, watch: _HeaderWatch, stream: TarStream) -> None:
    """A tar ends with zero blocks, or just ends. Anything else after the last entry is a
    damaged header or hidden data, which tarfile would pass over in silence."""
    if watch.damaged:
        raise Fatal(CORRUPT_ARCHIVE, "a damaged or truncated header after the last good entry")
    stream.cap = None
    while rest := tar.fileobj.read(_DRAIN_CHUNK):
        if any(rest):
            raise Fatal(CORRUPT_ARCHIVE, "data after the end-of-archive marker")
