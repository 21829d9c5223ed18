"""The pre-flight manifest of a folder or an archive: every file with its size and SHA-256,
and the content of the files that are not images (the label files), as NDJSON lines.

A folder is walked by `folder.folder_files`, the walk packing uses, so both name the same
files the same way. An archive (.zip, .tar, .tar.gz, .tgz) is read with the standard
library, member by member, each hashed as it streams past; its members keep the archive's
order and names, which are what the server will judge after the upload."""

from __future__ import annotations

import base64
import hashlib
import json
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from airlock_client.errors import UsageError
from airlock_client.folder import folder_files

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".bmp",
                              ".tif", ".tiff"})
"""Files sent by size and digest only; the server's `intake.images.IMAGE_EXTENSIONS` (a
server test checks the two are the same)."""
MAX_LABEL_BYTES = 64 * 1024 * 1024
"""Larger label files are listed without content (the report says they were not
pre-checked): 64 MiB is 86 MiB of base64, under the server's default line limit."""
CHUNK = 1024 * 1024
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str
    content: bytes | None
    """A label file's bytes; None for an image or a file over the bound."""

    def line(self) -> bytes:
        record: dict[str, object] = {"path": self.path, "size": self.size,
                                     "sha256": self.sha256}
        if self.content is not None:
            record["content"] = base64.b64encode(self.content).decode("ascii")
        return json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n"


def is_image(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in IMAGE_EXTENSIONS


def manifest_entries(source: Path,
                     max_label_bytes: int = MAX_LABEL_BYTES) -> Iterator[ManifestEntry]:
    """The entries of a folder or of an archive file."""
    if source.is_dir():
        return folder_entries(source, max_label_bytes)
    name = source.name.lower()
    if name.endswith(".zip"):
        return zip_entries(source, max_label_bytes)
    if name.endswith((".tar", ".tar.gz", ".tgz")):
        return tar_entries(source, max_label_bytes)
    raise UsageError(f"{source} is neither a folder nor a .zip, .tar, .tar.gz or .tgz file")


def folder_entries(root: Path, max_label_bytes: int = MAX_LABEL_BYTES,
                   ) -> Iterator[ManifestEntry]:
    for file in folder_files(root):
        try:
            with file.path.open("rb") as stream:
                yield read_entry(file.name, stream, max_label_bytes)
        except OSError as exc:
            raise UsageError(f"{file.path} cannot be read ({exc.strerror})") from None


def zip_entries(archive: Path, max_label_bytes: int = MAX_LABEL_BYTES,
                ) -> Iterator[ManifestEntry]:
    try:
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                if info.is_dir():
                    continue
                with opened.open(info) as stream:
                    yield read_entry(info.filename, stream, max_label_bytes)
    except (OSError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{archive} cannot be read as a zip ({type(exc).__name__})") from None


def tar_entries(archive: Path, max_label_bytes: int = MAX_LABEL_BYTES,
                ) -> Iterator[ManifestEntry]:
    """Streamed ("r|*"): each member is read once, in order, with no seeking back.
    Links and special files are left out: the full validation refuses them anyway."""
    try:
        with tarfile.open(archive, "r|*") as opened:
            for member in opened:
                if not member.isreg():
                    continue
                stream = opened.extractfile(member)
                if stream is not None:
                    with stream:
                        yield read_entry(member.name, stream, max_label_bytes)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise UsageError(f"{archive} cannot be read as a tar ({type(exc).__name__})") from None


def read_entry(path: str, stream: IO[bytes], max_label_bytes: int) -> ManifestEntry:
    """Hash the stream; keep the bytes of a label file up to the bound."""
    digest = hashlib.sha256()
    keep = not is_image(path)
    kept: list[bytes] = []
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if keep:
            kept.append(chunk)
            if size > max_label_bytes:
                keep = False
                kept.clear()
    return ManifestEntry(path, size, digest.hexdigest(), b"".join(kept) if keep else None)


def manifest_lines(entries: Iterable[ManifestEntry]) -> Iterator[bytes]:
    for entry in entries:
        yield entry.line()
