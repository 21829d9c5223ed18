"""Which request queued a dataset handed to another process, so that the step run there logs
(and audits) under that request's id. `airlock serve` writes one line per hand-over down its
worker's pipe, `<dataset id> <request id>\\n`; the worker notes it here and restores the id
while it advances that dataset. A dataset found by polling instead (its line lost to a full
pipe, or a separate `airlock worker`) runs with no request id: its lines name the dataset."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from audit import current_request_id, valid_request_id


def handover_line(dataset_id: str) -> bytes:
    """What serve writes for a dataset handed over in the current request (or none)."""
    request_id = current_request_id.get()
    return f"{dataset_id} {request_id}\n".encode() if request_id else f"{dataset_id}\n".encode()


@dataclass
class RequestOrigins:
    _by_dataset: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, line: bytes) -> None:
        """A line from serve; anything but `<id> <request id>` is ignored (no id, no harm)."""
        dataset_id, _, request_id = line.decode("ascii", "replace").partition(" ")
        if valid_request_id(dataset_id) and valid_request_id(request_id):
            with self._lock:
                self._by_dataset[dataset_id] = request_id

    @contextmanager
    def restored(self, dataset_id: str) -> Iterator[None]:
        """The id of the request that queued the dataset, for what runs inside."""
        with self._lock:
            request_id = self._by_dataset.get(dataset_id)
        token = current_request_id.set(request_id)
        try:
            yield
        finally:
            current_request_id.reset(token)

    def done(self, dataset_id: str) -> None:
        """The dataset was advanced: a later step of it belongs to no request."""
        with self._lock:
            self._by_dataset.pop(dataset_id, None)
