"""A file written by a background thread, so encryption and disk I/O overlap.

The caller's `write()` hands the bytes to a bounded queue (memory stays bounded); the thread
writes them and flushes to disk every `sync_every` bytes, so the final fsync of a large
object is short instead of one long stall at the end.
"""

import io
import os
import queue
import threading
from typing import BinaryIO

_STOP = None  # the end-of-data marker in the queue


class BackgroundFileWriter(io.RawIOBase):
    def __init__(self, handle: BinaryIO, depth: int = 8, sync_every: int = 64 * 1024 * 1024,
                 ) -> None:
        super().__init__()
        self._handle = handle
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._sync_every = sync_every
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="vault-writer", daemon=True)
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview, /) -> int:  # type: ignore[override]
        self._raise_failure()
        if data:
            self._queue.put(bytes(data))
        return len(data)

    def finish(self) -> None:
        """Write what is queued, then fsync; raises what the writer thread met."""
        self._queue.put(_STOP)
        self._thread.join()
        self._raise_failure()
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def abandon(self) -> None:
        """Stop without caring for the rest (the temp file is about to be removed)."""
        self._failure = self._failure or RuntimeError("write abandoned")
        while self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=0.1)
            except queue.Full:
                continue
            self._thread.join()

    def _drain(self) -> None:
        unsynced = 0
        while (chunk := self._queue.get()) is not None:
            if self._failure is not None:
                continue  # keep emptying the queue so the producer never blocks forever
            try:
                self._handle.write(chunk)
                unsynced += len(chunk)
                if unsynced >= self._sync_every:
                    self._handle.flush()
                    os.fdatasync(self._handle.fileno())
                    unsynced = 0
            except BaseException as exc:
                self._failure = exc

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure
