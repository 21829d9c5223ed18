"""The images of a job, redacted item-parallel on threads, handed back in archive order.

Threads, not processes: decoding, the detectors (cv2.dnn, ONNX Runtime), blurring and
encoding all release the GIL, and the models then load once for the whole process. At
most `window` images are in flight, so memory is bounded by a few images whatever the size
of the dataset.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from anonymize.image import ImageRedactor, ImageRejected, RedactedImage
from anonymize.image.contact_sheet import ContactSheet
from anonymize.image.regions import Pixels

FLAGGED_NAMES_KEPT = 200


@dataclass
class ImageTally:
    images: int = 0
    faces: int = 0
    plates: int = 0
    text_regions: int = 0
    redone: int = 0
    flagged: int = 0
    flagged_items: list[str] = field(default_factory=list)

    def merge(self, other: ImageTally) -> None:
        """Adds another tally's counts (a shard's, done elsewhere)."""
        self.images += other.images
        self.faces += other.faces
        self.plates += other.plates
        self.text_regions += other.text_regions
        self.redone += other.redone
        self.flagged += other.flagged
        room = FLAGGED_NAMES_KEPT - len(self.flagged_items)
        self.flagged_items.extend(other.flagged_items[:max(0, room)])

    def add(self, name: str, result: RedactedImage) -> None:
        self.images += 1
        self.faces += result.faces
        self.plates += result.plates
        self.text_regions += result.text
        self.redone += result.passes > 1
        if result.flagged:
            self.flagged += 1
            if len(self.flagged_items) < FLAGGED_NAMES_KEPT:
                self.flagged_items.append(name)


@dataclass(frozen=True)
class ItemRedaction:
    """What the catalog keeps per item."""

    faces: int
    text: int
    """Text regions painted, plates included (the catalog has no column of its own)."""
    flagged: bool

    @classmethod
    def of(cls, result: RedactedImage) -> ItemRedaction:
        return cls(result.faces, result.text + result.plates, result.flagged)


@dataclass(frozen=True)
class Done:
    """An item ready for the archive; `result` is None when images are kept."""

    item_id: int
    name: str
    data: bytes
    result: RedactedImage | None


@dataclass(frozen=True)
class _Pending:
    item_id: int
    name: str
    future: Future[tuple[RedactedImage, Pixels]] | None
    data: bytes


class ImageStage:
    """`put` an item, take what is finished from `ready` (in order); `drain` at the end."""

    def __init__(self, redactor: ImageRedactor | None, executor: ThreadPoolExecutor | None,
                 window: int, sheet: ContactSheet | None = None) -> None:
        self._redactor = redactor
        self._executor = executor
        self._window = max(1, window)
        self._sheet = sheet
        self._pending: deque[_Pending] = deque()
        self.tally = ImageTally()

    @property
    def redacts(self) -> bool:
        return self._redactor is not None

    def put(self, item_id: int, name: str, data: bytes) -> Iterator[Done]:
        future = None
        if self._redactor is not None and self._executor is not None:
            future = self._executor.submit(self._redactor.redact_keeping_pixels, data)
            data = b""  # the raw bytes are the worker's now; do not hold two copies
        self._pending.append(_Pending(item_id, name, future, data))
        yield from self._ready(block=len(self._pending) >= self._window)

    def drain(self) -> Iterator[Done]:
        while self._pending:
            yield self._take()

    def cancel(self) -> None:
        for pending in self._pending:
            if pending.future is not None:
                pending.future.cancel()
        self._pending.clear()

    def _ready(self, block: bool) -> Iterator[Done]:
        if block:
            yield self._take()
        while self._pending and (self._pending[0].future is None
                                 or self._pending[0].future.done()):
            yield self._take()

    def _take(self) -> Done:
        pending = self._pending.popleft()
        if pending.future is None:
            return Done(pending.item_id, pending.name, pending.data, None)
        try:
            result, pixels = pending.future.result()
        except ImageRejected as exc:
            raise ImageRejected(f"{pending.name}: {exc}") from exc
        self.tally.add(pending.name, result)
        if self._sheet is not None:
            self._sheet.add(np.ascontiguousarray(pixels))
        return Done(pending.item_id, pending.name, result.data, result)
