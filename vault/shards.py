"""Shards: a dataset's files as a sequence of bounded, uncompressed tars, each its own
encrypted object, so that many processes or machines can work on one dataset at once.

A shard is a plain tar (WebDataset's format): any tar reader, a PyTorch or WebDataset loader
included, reads one as it is. Members carry neutral owners and times (they would describe the
client's machine). Images are already compressed; gzip would cost CPU for little. No
plaintext touches disk: a shard is built in memory, up to its bound, and encrypted on its way
to the backend.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import BinaryIO

from vault.object_store import StoredObject

BLOCK = tarfile.BLOCKSIZE
END = 2 * BLOCK
"""A tar ends with two zero blocks."""

Write = Callable[[str, BinaryIO], StoredObject]
"""Encrypts a shard's plaintext into the vault as the object of the given copy id."""


@dataclass(frozen=True)
class ShardBounds:
    """A shard is closed once it holds `max_bytes` of files or `max_files` files; a single
    file larger than `max_bytes` gets a shard of its own."""

    max_bytes: int
    max_files: int


@dataclass(frozen=True)
class WrittenShard:
    index: int
    copy_id: str
    stored: StoredObject
    files: int


def tar_member(name: str, data: bytes, mtime: int = 0) -> Iterator[bytes]:
    """Header, data and padding of one regular file. PAX headers carry UTF-8 names of any
    length; owner, group and time are neutral."""
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o644
    yield info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8", errors="strict")
    yield data
    if len(data) % BLOCK:
        yield b"\0" * (BLOCK - len(data) % BLOCK)


def tar_end() -> bytes:
    return b"\0" * END


def shard_copy_id(run_id: str, index: int) -> str:
    """The copy id of a run's shard: the same for every try of it, so a task retried on
    another worker overwrites its own object instead of leaving a second one."""
    return hashlib.sha256(f"{run_id}:{index}".encode()).hexdigest()[:32]


class ShardWriter:
    """Files added in order, cut into shards within `bounds`; each shard is written as it
    fills. Several writers may share one `numbers` sequence (labels and images go to shards
    of their own, numbered in one sequence)."""

    def __init__(self, write: Write, run_id: str, bounds: ShardBounds,
                 numbers: Iterator[int] | None = None) -> None:
        self._write = write
        self._run_id = run_id
        self._bounds = bounds
        self._numbers = numbers if numbers is not None else count()
        self._buffer = bytearray()
        self._files = 0
        self._index: int | None = None
        self.written: list[WrittenShard] = []

    def add(self, name: str, data: bytes) -> int:
        """Adds a file; the index of the shard it went to."""
        if self._index is not None and (len(self._buffer) + len(data) > self._bounds.max_bytes
                                        or self._files >= self._bounds.max_files):
            self._flush()
        if self._index is None:
            self._index = next(self._numbers)
        for piece in tar_member(name, data):
            self._buffer += piece
        self._files += 1
        return self._index

    def close(self) -> list[WrittenShard]:
        """Writes the last shard; every shard written."""
        if self._index is not None:
            self._flush()
        return self.written

    def _flush(self) -> None:
        assert self._index is not None
        self._buffer += tar_end()
        copy_id = shard_copy_id(self._run_id, self._index)
        # A view, not a copy: the buffer may be a whole shard (AIRLOCK_SHARD_MAX_BYTES).
        stored = self._write(copy_id, io.BufferedReader(ChunkReader([memoryview(self._buffer)])))
        self.written.append(WrittenShard(self._index, copy_id, stored, self._files))
        self._buffer, self._files, self._index = bytearray(), 0, None


class ShardFileTooLarge(Exception):
    """A shard holds a file over the reader's limit."""


def shard_files(stream: BinaryIO, limit: int) -> Iterator[tuple[str, bytes]]:
    """The regular files of a shard, in order. Shards are Airlock's own, authenticated by
    their encryption; the limit bounds memory all the same."""
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                continue
            if member.size > limit:
                raise ShardFileTooLarge(f"a file of {member.size} bytes is over the "
                                        f"{limit}-byte limit")
            handle = archive.extractfile(member)
            assert handle is not None
            yield member.name, handle.read()


def joined_size(sizes: Iterable[int]) -> int:
    """The size of the one tar `joined` makes of shards of these sizes."""
    sizes = list(sizes)
    return sum(sizes) - END * max(0, len(sizes) - 1)


def joined(shards: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """Shards' plaintexts as one tar: every shard but its end blocks, then one end. Each
    shard must end with `tar_end()`, as every shard Airlock writes does."""
    for chunks in shards:
        held = b""
        for chunk in chunks:
            held += chunk
            if len(held) > END:
                yield held[:-END]
                held = held[-END:]
        if held != tar_end():
            raise ValueError("a shard does not end with a tar's end blocks")
    yield tar_end()


class ChunkReader(io.RawIOBase):
    """A readable stream over an iterable of byte strings (or views of them)."""

    def __init__(self, chunks: Iterable[bytes | memoryview]) -> None:
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
