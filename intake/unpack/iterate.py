"""The unpacker's entry point: every entry of an upload, checked, in archive order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from intake.problems import Problems
from intake.unpack.budget import Budget
from intake.unpack.entry import ArchiveEntry
from intake.unpack.errors import DAMAGE_ERRORS, Fatal
from intake.unpack.formats import HEAD_BYTES, ArchiveFormat, detect_format
from intake.unpack.gate import EntryGate
from intake.unpack.limits import UnpackLimits
from intake.unpack.rules import CORRUPT_ARCHIVE, NOT_AN_ARCHIVE
from intake.unpack.seekable import Opener
from intake.unpack.tar_archive import tar_entries
from intake.unpack.zip_archive import zip_entries


def iter_entries(open_source: Opener, size: int, limits: UnpackLimits,
                 problems: Problems) -> Iterator[ArchiveEntry]:
    """Yields the regular files that passed the checks; reports everything else to `problems`.

    `open_source` opens the archive's plaintext from the start (as often as needed); `size`
    is its length. Nothing is written to disk, and hostile input never raises: a problem that
    makes the rest unreadable is recorded and ends the iteration. Each entry may be read
    (once) until the next one is requested.
    """
    budget = Budget(limits, size, problems)
    gate = EntryGate(limits, problems)
    try:
        archive_format = _sniff(open_source)
        if archive_format is None:
            problems.error(NOT_AN_ARCHIVE, "not a zip, tar or tar.gz archive")
            return
        if archive_format is ArchiveFormat.ZIP:
            entries = zip_entries(open_source, size, budget, gate, problems)
        else:
            entries = tar_entries(open_source, archive_format is ArchiveFormat.TAR_GZ, budget,
                                  gate, problems)
        with closing(entries):  # closes the source at once when the consumer stops early
            for entry in entries:
                try:
                    yield entry
                finally:
                    entry.expire()
                if budget.halted:
                    return
    except Fatal as fatal:
        budget.halt(fatal)
        return
    except DAMAGE_ERRORS as exc:
        problems.error(CORRUPT_ARCHIVE, "the archive is damaged or truncated and cannot be read "
                       f"to the end ({type(exc).__name__})")
        return
    gate.finish()


def _sniff(open_source: Opener) -> ArchiveFormat | None:
    with open_source() as stream:
        head = b""
        while len(head) < HEAD_BYTES and (more := stream.read(HEAD_BYTES - len(head))):
            head += more
    return detect_format(head)
