"""Forward-only readers stacked under tarfile: one counts compressed bytes, one guards the tar
stream itself."""

from __future__ import annotations

import io
from typing import Protocol

from intake.unpack.budget import exceeds_ratio
from intake.unpack.errors import Fatal
from intake.unpack.rules import CORRUPT_ARCHIVE, RATIO_EXCEEDED


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class CountingReader(io.RawIOBase):
    """Passes reads through and counts the bytes."""

    def __init__(self, source: Readable) -> None:
        super().__init__()
        self._source = source
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._source.read(len(view))
        view[:len(data)] = data
        self.count += len(data)
        return len(data)


class TarStream(io.RawIOBase):
    """The uncompressed tar stream as tarfile reads it.

    tarfile reads a pax or GNU long-name header whole into memory, whatever size it claims, so
    reads stop at `cap` (set by the caller just past what the current entry needs). With
    `compressed`, the expansion of the whole stream is checked on every read.
    """

    def __init__(self, source: Readable, compressed: CountingReader | None,
                 max_ratio: float) -> None:
        super().__init__()
        self._source = source
        self._compressed = compressed
        self._max_ratio = max_ratio
        self.position = 0
        self.cap: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = len(view)
        if self.cap is not None:
            want = min(want, self.cap - self.position)
            if want <= 0 < len(view):
                raise Fatal(CORRUPT_ARCHIVE, "a tar header claims more data than any header needs")
        data = self._source.read(want)
        view[:len(data)] = data
        self.position += len(data)
        if self._compressed is not None and \
                exceeds_ratio(self.position, self._compressed.count, self._max_ratio):
            raise Fatal(RATIO_EXCEEDED, f"the archive expands more than {self._max_ratio:g} "
                        "times (a compression bomb)")
        return len(data)
