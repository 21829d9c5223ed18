"""What `upload` sends: an archive file as it is, or a folder packed as a deterministic tar.

A folder's tar is never written anywhere. Its layout (where each member's header and data
lie) is computed from the sorted file list, and `read(offset, length)` produces any byte
range of it by generating headers and reading file data at the right offsets. So any part
of a 50 GB folder can be made directly, by several threads at once, after a restart too,
and the same folder always gives the same bytes and SHA-256 on any system
(`airlock_client.tar_format` fixes every header field).

Each read checks that the file still has the size and modification time it had when the
folder was listed: a file changed during the upload would give parts of two different
archives, which the final digest check would refuse only after the whole transfer."""

from __future__ import annotations

import os
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from airlock_client.errors import ClientError, UsageError
from airlock_client.folder import FolderFile, folder_files
from airlock_client.tar_format import END_OF_ARCHIVE, member_header, padding

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")


class Source(Protocol):
    """Bytes to upload, readable at any offset from any thread."""

    kind: str
    size: int
    files: int

    def read(self, offset: int, length: int) -> bytes: ...


class SourceChangedError(ClientError):
    """A file was modified, grown, shrunk or removed since the upload began."""


@dataclass(frozen=True)
class _Member:
    start: int
    """Where the member's header begins in the archive."""
    header_size: int
    file: FolderFile

    @property
    def data_start(self) -> int:
        return self.start + self.header_size

    @property
    def end(self) -> int:
        """Past the member's data padding."""
        return self.data_start + self.file.size + len(padding(self.file.size))


class FolderTar:
    """A folder as a deterministic tar, readable at any offset."""

    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root
        self._members: list[_Member] = []
        offset = 0
        for file in folder_files(root):
            member = _Member(offset, len(member_header(file.name, file.size)), file)
            self._members.append(member)
            offset = member.end
        self._starts = [m.start for m in self._members]
        self._end_start = offset
        self.size = offset + len(END_OF_ARCHIVE)
        self.files = len(self._members)

    def read(self, offset: int, length: int) -> bytes:
        """Bytes [offset, offset + length) of the archive, fewer only past its end."""
        if offset < 0 or length < 0:
            raise ValueError("negative offset or length")
        stop = min(offset + length, self.size)
        pieces: list[bytes] = []
        position = offset
        index = max(bisect_right(self._starts, position) - 1, 0)
        while position < stop:
            if index >= len(self._members):
                pieces.append(END_OF_ARCHIVE[position - self._end_start:stop - self._end_start])
                break
            member = self._members[index]
            if position < member.end:
                pieces.append(self._member_bytes(member, position, min(stop, member.end)))
                position = member.end
            index += 1
        return b"".join(pieces)

    def _member_bytes(self, member: _Member, start: int, stop: int) -> bytes:
        """The part [start, stop) of one member (archive offsets within it)."""
        out: list[bytes] = []
        file = member.file
        if start < member.data_start:
            header = member_header(file.name, file.size)
            out.append(header[start - member.start:stop - member.start])
        data_from = max(start, member.data_start) - member.data_start
        data_to = min(stop - member.data_start, file.size)
        if data_to > data_from:
            out.append(_read_file(file.path, file.size, file.mtime_ns, data_from,
                                  data_to - data_from, file.name))
        pad_from = max(start - member.data_start - file.size, 0)
        pad_to = stop - member.data_start - file.size
        if pad_to > pad_from:
            out.append(bytes(pad_to - pad_from))
        return b"".join(out)


class ArchiveFile:
    """A zip, tar or tar.gz sent as it is."""

    kind = "archive"

    def __init__(self, path: Path) -> None:
        self.path = path
        status = path.stat()
        self.size = status.st_size
        self._mtime_ns = status.st_mtime_ns
        self.files = 1

    def read(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0:
            raise ValueError("negative offset or length")
        length = max(min(length, self.size - offset), 0)
        return _read_file(self.path, self.size, self._mtime_ns, offset, length, self.path.name)


def open_source(path: Path) -> Source:
    """The folder packed, or the archive file as it is; anything else is a usage error."""
    if path.is_dir():
        return FolderTar(path)
    if not path.is_file():
        raise UsageError(f"{path} is neither a folder nor a file")
    if not path.name.lower().endswith(ARCHIVE_SUFFIXES):
        raise UsageError(f"{path}: upload a folder or a .zip, .tar, .tar.gz or .tgz archive")
    return ArchiveFile(path)


def _read_file(path: Path, size: int, mtime_ns: int, offset: int, length: int,
               name: str) -> bytes:
    """`length` bytes at `offset` of a file that must still be as it was listed."""
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if status.st_size != size or status.st_mtime_ns != mtime_ns:
                raise _changed(name)
            handle.seek(offset)
            data = handle.read(length)
    except FileNotFoundError:
        raise _changed(name) from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot be read ({exc.strerror or 'I/O error'})") from None
    if len(data) != length:
        raise _changed(name)
    return data


def _changed(name: str) -> SourceChangedError:
    return SourceChangedError(
        f"{name} changed during the upload (its size or modification time is not what it "
        "was when the upload began); the archive would no longer match its digest. Leave "
        "the source unchanged and run the command again")
