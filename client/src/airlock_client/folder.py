"""A folder as the sorted list of its files, each named as it is in the archive.

Pack and pre-flight both walk a folder through here, so the files they see and the names
they give are the same. Names use "/" on every system (a Windows path's "\\" included) and
sort by their UTF-8 bytes, so the same folder lists the same way anywhere. Links and special
files are refused rather than followed: a link may lead outside the folder."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePath

from airlock_client.errors import UsageError


@dataclass(frozen=True)
class FolderFile:
    name: str
    """Relative to the folder, "/"-separated."""
    path: Path
    size: int
    mtime_ns: int


def folder_files(root: Path) -> list[FolderFile]:
    """Every regular file under `root`, sorted by name; empty folders are left out."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    found: list[FolderFile] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                _take(root, Path(entry.path), entry.stat(follow_symlinks=False), pending, found)
    found.sort(key=lambda item: item.name.encode("utf-8"))
    return found


def archive_name(relative: PurePath) -> str:
    """The archive's name for a path relative to the folder, on any system's path type."""
    parts = relative.parts
    for part in parts:
        if "/" in part or "\\" in part or any(ord(ch) < 32 or ord(ch) == 127 for ch in part):
            raise UsageError(f"{relative} has a name an archive cannot carry (a slash, a "
                             "backslash or a control character)")
    return "/".join(parts)


def _take(root: Path, path: Path, status: os.stat_result, pending: list[Path],
          found: list[FolderFile]) -> None:
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        pending.append(path)
    elif stat.S_ISREG(mode):
        found.append(FolderFile(archive_name(path.relative_to(root)), path, status.st_size,
                                status.st_mtime_ns))
    elif stat.S_ISLNK(mode):
        raise UsageError(f"{path} is a link; links are not uploaded (copy the file instead)")
    else:
        raise UsageError(f"{path} is not a regular file")
