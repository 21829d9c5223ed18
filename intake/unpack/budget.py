"""Counting what one archive has declared and produced against the limits."""

from __future__ import annotations

from intake.problems import Problems
from intake.unpack.errors import Fatal
from intake.unpack.limits import MiB, UnpackLimits
from intake.unpack.rules import RATIO_EXCEEDED, TOO_MANY_ENTRIES, TOTAL_SIZE_EXCEEDED

# Below this much output no ratio is a bomb: tar padding alone compresses a thousandfold.
RATIO_GRACE_BYTES = 1 * MiB


def exceeds_ratio(expanded: int, compressed: int, max_ratio: float) -> bool:
    return expanded > RATIO_GRACE_BYTES and expanded > max_ratio * max(compressed, 1)


class Budget:
    """One iteration's running totals. A limit crossed raises Fatal; `halt` records it."""

    def __init__(self, limits: UnpackLimits, archive_size: int, problems: Problems) -> None:
        self.limits = limits
        self._archive_size = archive_size
        self._problems = problems
        self._entries = 0
        self._declared = 0
        self._produced = 0
        self.halted = False

    @property
    def entries(self) -> int:
        return self._entries

    def count_entries(self, count: int = 1) -> None:
        self._entries += count
        if self._entries > self.limits.max_entries:
            raise Fatal(TOO_MANY_ENTRIES, f"more than {self.limits.max_entries} entries")

    def declare(self, size: int) -> None:
        """Sizes from headers: a sum over the limit ends the iteration before any reading."""
        self._declared += size
        if self._declared > self.limits.max_total_bytes:
            raise Fatal(TOTAL_SIZE_EXCEEDED, "the entries declare more than "
                        f"{self.limits.max_total_bytes} bytes in all")

    def produce(self, count: int) -> None:
        """Bytes actually handed out, whatever the headers said."""
        self._produced += count
        if self._produced > self.limits.max_total_bytes:
            raise Fatal(TOTAL_SIZE_EXCEEDED, "the entries hold more than "
                        f"{self.limits.max_total_bytes} bytes in all")
        if exceeds_ratio(self._produced, self._archive_size, self.limits.max_ratio):
            raise Fatal(RATIO_EXCEEDED, f"the archive expands more than "
                        f"{self.limits.max_ratio:g} times (a compression bomb)")

    def halt(self, fatal: Fatal, file: str | None = None) -> None:
        self.halted = True
        self._problems.error(fatal.rule, fatal.message, file=fatal.file or file)
