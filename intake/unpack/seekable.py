"""Random access over a stream that can only be read forward, from its start, again and again."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from typing import BinaryIO

from intake.unpack.limits import MiB

# The end of the archive is kept in memory once read: a zip's central directory and end
# record sit there, and zipfile reads them back and forth while opening. An archive no larger
# than this is read from the source exactly once.
TAIL_BYTES = 4 * MiB
_SKIP_CHUNK = 1 * MiB

Opener = Callable[[], AbstractContextManager[BinaryIO]]


class SeekableSource(io.RawIOBase):
    """Read-only, seekable view of `size` bytes from `open_source`.

    Seeking only moves a cursor; a read serves it by reading forward and discarding, or, for a
    position behind the open stream, by opening the source again from the start.
    """

    def __init__(self, open_source: Opener, size: int, tail_bytes: int = TAIL_BYTES) -> None:
        super().__init__()
        self._open_source = open_source
        self._size = size
        self._pos = 0
        self._tail_start = max(0, size - tail_bytes)
        self._tail: bytearray | None = None
        self._stack = ExitStack()
        self._stream: BinaryIO | None = None
        self._stream_pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence {whence}")
        if base + offset < 0:
            raise OSError(errno.EINVAL, "seek before the start of the archive")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")[:max(0, self._size - self._pos)]
        got = 0
        while got < len(view):
            if self._pos >= self._tail_start:
                count = self._read_tail(view[got:])
            else:
                # Stop at the tail: it is served from memory once loaded.
                count = self._read_stream(view[got:got + self._tail_start - self._pos])
            if not count:
                break
            got += count
            self._pos += count
        return got

    def close(self) -> None:
        self._stack.close()
        self._stream = None
        super().close()

    def _read_tail(self, view: memoryview) -> int:
        if self._tail is None:
            stream = self._position_stream(self._tail_start)
            tail = bytearray(self._size - self._tail_start)
            del tail[self._fill(stream, memoryview(tail)):]
            self._tail = tail
        start = self._pos - self._tail_start
        data = memoryview(self._tail)[start:start + len(view)]
        view[:len(data)] = data
        return len(data)

    def _read_stream(self, view: memoryview) -> int:
        return self._fill(self._position_stream(self._pos), view)

    def _position_stream(self, target: int) -> BinaryIO:
        if self._stream is None or self._stream_pos > target:
            self._stack.close()
            self._stream = self._stack.enter_context(self._open_source())
            self._stream_pos = 0
        while self._stream_pos < target:
            skipped = len(self._stream.read(min(_SKIP_CHUNK, target - self._stream_pos)))
            if not skipped:
                break  # the source is shorter than its size: reads come back empty
            self._stream_pos += skipped
        return self._stream

    def _fill(self, stream: BinaryIO, view: memoryview) -> int:
        """Reads into `view` until full or the source ends (raw streams may return less)."""
        got = 0
        while got < len(view):
            data = stream.read(len(view) - got)
            if not data:
                break
            view[got:got + len(data)] = data
            got += len(data)
        self._stream_pos += got
        return got
