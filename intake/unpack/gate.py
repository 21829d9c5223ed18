"""The decision, shared by all formats, whether an entry is handed to the consumer."""

from __future__ import annotations

from collections.abc import Sequence

from intake.problems import Problems
from intake.unpack.budget import exceeds_ratio
from intake.unpack.collisions import PathRegistry
from intake.unpack.limits import UnpackLimits
from intake.unpack.names import display_name, is_junk, name_findings, normalise
from intake.unpack.rules import EMPTY, ENTRY_TOO_LARGE, JUNK_IGNORED, RATIO_EXCEEDED, Finding


def size_findings(size: int, compressed: int | None, limits: UnpackLimits) -> list[Finding]:
    """What a file's declared sizes already give away, before any byte of it is read."""
    found: list[Finding] = []
    if size > limits.max_entry_bytes:
        found.append(Finding(ENTRY_TOO_LARGE, f"declares {size} bytes, over the "
                             f"{limits.max_entry_bytes}-byte limit"))
    if compressed is not None and exceeds_ratio(size, compressed, limits.max_ratio):
        found.append(Finding(RATIO_EXCEEDED,
                             f"declares an expansion over {limits.max_ratio:g} times "
                             "(a compression bomb)"))
    return found


class EntryGate:
    """Checks each entry's name and the format's findings; reports, counts, and at the end
    summarises junk and emptiness."""

    def __init__(self, limits: UnpackLimits, problems: Problems) -> None:
        self._limits = limits
        self._problems = problems
        self._paths = PathRegistry()
        self._admitted = 0
        self._rejected = 0
        self._junk = 0
        self._first_junk: str | None = None

    def admit(self, raw: str, findings: Sequence[Finding], *, directory: bool) -> str | None:
        """The entry's normalised path when it is a file to hand out, else None."""
        found = [*name_findings(raw, self._limits, directory=directory), *findings]
        if not found and directory:
            return None
        if found:
            self._reject(raw, found)
            return None
        path = normalise(raw)
        if is_junk(path):
            self._junk += 1
            self._first_junk = self._first_junk or path
            return None
        clash = self._paths.admit(path)
        if clash is not None:
            self._reject(raw, [clash])
            return None
        self._admitted += 1
        return path

    def finish(self) -> None:
        """After the last entry of an archive read to its end."""
        if self._junk:
            self._problems.warning(
                JUNK_IGNORED, f"{self._junk} operating-system metadata file(s) ignored "
                "(__MACOSX, .DS_Store, Thumbs.db, desktop.ini, ._*)",
                file=display_name(self._first_junk or ""))
        if not self._admitted and not self._rejected:
            self._problems.error(EMPTY, "the archive holds no files")

    def _reject(self, raw: str, found: Sequence[Finding]) -> None:
        self._rejected += 1
        shown = display_name(raw)
        for finding in found:
            self._problems.error(finding.rule, finding.message, file=shown)
