"""Running the unpacker over bytes in memory, through a source that cannot seek."""

from __future__ import annotations

import contextlib
import io
import tarfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import BinaryIO, cast

from intake.problems import Problems
from intake.unpack import ArchiveFormat, UnpackLimits, iter_entries
from intake.unpack.limits import MiB
from tests.intake.unpack.hostile import make_tar, make_zip, tar_member


class OneWayStream(io.RawIOBase):
    """Like the vault's decryptor: forward reads only, and short ones."""

    def __init__(self, data: bytes, max_read: int = 65_521) -> None:
        super().__init__()
        self._data = memoryview(data)
        self._pos = 0
        self._max_read = max_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        chunk = self._data[self._pos:self._pos + min(len(view), self._max_read)]
        view[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


@dataclass
class Source:
    """An `open_source` that counts its passes and remembers its streams."""

    data: bytes
    streams: list[OneWayStream] = field(default_factory=list)

    def __call__(self) -> AbstractContextManager[BinaryIO]:
        stream = OneWayStream(self.data)
        self.streams.append(stream)
        return contextlib.closing(cast(BinaryIO, stream))

    @property
    def all_closed(self) -> bool:
        return all(stream.closed for stream in self.streams)


@dataclass
class Unpacked:
    contents: dict[str, bytes | None]
    problems: Problems
    source: Source

    @property
    def rules(self) -> set[str]:
        return {problem.rule for problem in self.problems.kept}

    def files(self, rule: str) -> list[str | None]:
        return [problem.file for problem in self.problems.kept if problem.rule == rule]

    @property
    def read(self) -> dict[str, bytes]:
        """The entries whose content came out."""
        return {path: data for path, data in self.contents.items() if data is not None}


def unpack(data: bytes, limits: UnpackLimits | None = None,
           read_limit: int = 64 * MiB) -> Unpacked:
    """Iterates the archive, reading every entry."""
    source = Source(data)
    problems = Problems()
    contents: dict[str, bytes | None] = {}
    for entry in iter_entries(source, len(data), limits or UnpackLimits(), problems):
        contents[entry.path] = entry.read(read_limit)
    return Unpacked(contents, problems, source)


def build(archive_format: ArchiveFormat, files: dict[str, bytes],
          folders: list[str] | None = None) -> bytes:
    """An archive of `files`, after the (empty) `folders`."""
    folders = folders or []
    if archive_format is ArchiveFormat.ZIP:
        return make_zip([*((folder, b"") for folder in folders), *files.items()])
    return make_tar([*(tar_member(folder, kind=tarfile.DIRTYPE) for folder in folders),
                     *(tar_member(name, data) for name, data in files.items())],
                    gzipped=archive_format is ArchiveFormat.TAR_GZ)
