"""An async request body read as a blocking file by a worker thread, one chunk at a time."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator

import anyio
import anyio.from_thread
from starlette.requests import Request

from airlock.metrics.instruments import UPLOAD_BYTES
from airlock.settings import Settings


class BodyTooSlowError(TimeoutError):
    """The client sent nothing for too long, or too slowly on average."""


class AsyncBodyReader(io.RawIOBase):
    """For code that runs under `anyio.to_thread.run_sync` and wants `read()`.

    A chunk must arrive within `timeout` seconds; once that long has passed since the
    start, the average rate must be at least `min_rate` bytes a second (0: no minimum).
    Otherwise the read raises BodyTooSlowError, so a trickling client cannot hold an
    upload slot for ever.
    """

    def __init__(self, chunks: AsyncIterator[bytes], timeout: float = 30.0,
                 min_rate: int = 0) -> None:
        super().__init__()
        self._chunks = chunks
        self._timeout = timeout
        self._min_rate = min_rate
        self._buffer = b""
        self._done = False
        self._started = time.monotonic()
        self._received = 0

    def readable(self) -> bool:
        return True

    async def _next(self) -> bytes | None:
        with anyio.move_on_after(self._timeout) as scope:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                return None
        if scope.cancelled_caught:
            raise BodyTooSlowError(f"no data arrived for {self._timeout:g} seconds")
        self._received += len(chunk)
        UPLOAD_BYTES.inc(len(chunk))
        elapsed = time.monotonic() - self._started
        if elapsed > self._timeout and self._received < self._min_rate * elapsed:
            raise BodyTooSlowError(f"the body arrives slower than {self._min_rate} bytes/s")
        return chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer and not self._done:
            chunk = anyio.from_thread.run(self._next)
            if chunk is None:
                self._done = True
            else:
                self._buffer = chunk
        count = min(len(buffer), len(self._buffer))
        buffer[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count


def upload_body(request: Request, settings: Settings) -> AsyncBodyReader:
    """A streamed body (an upload, a part, a manifest) under the upload timeouts."""
    return AsyncBodyReader(request.stream(), settings.upload_read_timeout_seconds,
                           settings.upload_min_bytes_per_second)
