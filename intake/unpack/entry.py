"""One file in an archive, read at most once, in bounded memory, checking what it produces."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from intake.problems import Problems
from intake.unpack.budget import Budget
from intake.unpack.errors import DAMAGE_ERRORS, Fatal
from intake.unpack.formats import starts_like_archive
from intake.unpack.limits import MiB
from intake.unpack.names import display_name
from intake.unpack.rules import (
    CORRUPT_ARCHIVE,
    CORRUPT_ENTRY,
    ENTRY_TOO_LARGE,
    NESTED_ARCHIVE,
    Finding,
)

READ_CHUNK = 1 * MiB


@dataclass(frozen=True)
class EntrySource:
    """How the format lets one entry be read."""

    open: Callable[[], IO[bytes]]
    # In a tar the entry's bytes are the archive's stream: if they are damaged, so is the rest.
    damage_ends_archive: bool


def over_cap(size: int, cap: int) -> Finding | None:
    """A file whose (declared) size is over what may be read of it."""
    if size > cap:
        return Finding(ENTRY_TOO_LARGE, f"{size} bytes, over the {cap}-byte limit")
    return None


class ArchiveEntry:
    """A regular file that passed the name checks. Valid until the iteration moves on."""

    def __init__(self, path: str, size: int, index: int, source: EntrySource, budget: Budget,
                 problems: Problems) -> None:
        self.path = path  # normalised relative POSIX path, NFC
        self.size = size  # as declared by the archive
        self.index = index  # position among all entries of the archive, from 0
        self._source = source
        self._budget = budget
        self._problems = problems
        self._used = False
        self._expired = False

    def __repr__(self) -> str:
        return f"ArchiveEntry(path={self.path!r}, size={self.size}, index={self.index})"

    def read(self, limit: int) -> bytes | None:
        """The whole content if it is at most `limit` bytes and passes the checks; else the
        problem is recorded and None returned. Call at most once, before the next entry."""
        if self._expired:
            raise RuntimeError("ArchiveEntry.read() after the iteration moved on")
        if self._used:
            raise RuntimeError("ArchiveEntry.read() called twice")
        self._used = True
        cap = min(limit, self._budget.limits.max_entry_bytes)
        too_large = over_cap(self.size, cap)
        if too_large is not None:
            self._error(*too_large)
            return None
        try:
            with self._source.open() as stream:
                return self._drain(stream, cap)
        except Fatal as fatal:
            self._budget.halt(fatal, display_name(self.path))
        except DAMAGE_ERRORS as exc:
            if self._source.damage_ends_archive:
                self._budget.halt(Fatal(CORRUPT_ARCHIVE, "the archive is damaged or truncated "
                                        f"inside this entry ({type(exc).__name__})"),
                                  display_name(self.path))
            else:
                self._error(CORRUPT_ENTRY, "damaged content: bad checksum, truncated or "
                            f"undecodable data ({type(exc).__name__})")
        return None

    def expire(self) -> None:
        """Called by the iteration when it moves past this entry."""
        self._expired = True

    def _drain(self, stream: IO[bytes], cap: int) -> bytes | None:
        # BytesIO.getvalue() hands over its buffer without a copy: peak memory ~ one entry.
        sink = io.BytesIO()
        got = 0
        while chunk := stream.read(min(READ_CHUNK, cap + 1 - got)):
            if not got and starts_like_archive(chunk):
                self._problems.warning(NESTED_ARCHIVE,
                                       "an archive inside the archive; it is not unpacked",
                                       file=display_name(self.path))
                return None
            got += len(chunk)
            self._budget.produce(len(chunk))
            if got > cap:
                self._error(ENTRY_TOO_LARGE, f"holds more than the {cap}-byte limit "
                            "(its header understates its size)")
                return None
            sink.write(chunk)
        if got != self.size:
            self._error(CORRUPT_ENTRY, f"holds {got} bytes, not the {self.size} its header "
                        "declares")
            return None
        return sink.getvalue()

    def _error(self, rule: str, message: str) -> None:
        self._problems.error(rule, message, file=display_name(self.path))
