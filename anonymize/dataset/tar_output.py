"""The anonymised copy as an uncompressed tar, produced piece by piece and pulled by the
vault's encrypting writer: nothing is buffered beyond the member being written, and no
plaintext touches disk. (Images are already compressed; gzip would cost CPU for little.)"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Iterator

BLOCK = tarfile.BLOCKSIZE


def tar_member(name: str, data: bytes, mtime: int = 0) -> Iterator[bytes]:
    """Header, data and padding of one regular file. PAX headers carry UTF-8 names of any
    length; owner, group and time are neutral (they would describe the client's machine)."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o644
    yield info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8", errors="strict")
    yield data
    if len(data) % BLOCK:
        yield b"\0" * (BLOCK - len(data) % BLOCK)


def tar_end() -> bytes:
    return b"\0" * (2 * BLOCK)


class ChunkReader(io.RawIOBase):
    """A readable stream over an iterable of byte strings."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview, /) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
