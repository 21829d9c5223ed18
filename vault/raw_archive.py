"""The raw archive of a dataset: its raw copies in order, read back as one forward stream.

A single-request upload has one raw copy; a multipart upload has one per part, ordered by
part number (`catalog.UploadPart`). Validation and anonymisation read the archive through
`RawArchive.open`, which the unpacker (`intake.unpack.seekable`) reopens from the start as it needs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy.orm import Session

from catalog import CopyKind, live_copies, upload_of_dataset, upload_parts
from vault.keys import DataKey
from vault.service import VaultService


@dataclass(frozen=True)
class RawArchive:
    dataset_id: str
    copy_ids: tuple[str, ...]
    """The raw copies, in the archive's order."""
    size: int
    sha256: str
    """The whole archive's SHA-256 (for one copy, its own)."""

    @contextmanager
    def open(self, vault: VaultService, key: DataKey) -> Iterator[BinaryIO]:
        """The plaintext of every part in turn; one part's object is open at a time."""
        with ExitStack() as stack:
            yield io.BufferedReader(_Chained(vault, key, self.dataset_id, self.copy_ids, stack))


def raw_archive(session: Session, dataset_id: str, upload_sha256: str | None) -> RawArchive | None:
    """The dataset's raw archive, or None when it has none (not uploaded, or purged). A
    multipart upload's archive is its parts, once complete; a dataset with a single raw copy
    is that copy."""
    upload = upload_of_dataset(session, dataset_id)
    live = {c.id: c for c in live_copies(session, dataset_id) if c.kind is CopyKind.RAW}
    if upload is not None:
        parts = upload_parts(session, upload.id)
        if len(parts) != upload.parts_total or any(p.copy_id not in live for p in parts):
            return None
        return RawArchive(dataset_id, tuple(p.copy_id for p in parts), upload.size,
                          upload.sha256)
    if not live:
        return None
    copy = next(iter(live.values()))
    return RawArchive(dataset_id, (copy.id,), copy.plaintext_size,
                      upload_sha256 or copy.digest)


class _Chained(io.RawIOBase):
    """Reads the copies one after another, opening the next when one ends."""

    def __init__(self, vault: VaultService, key: DataKey, dataset_id: str,
                 copy_ids: tuple[str, ...], stack: ExitStack) -> None:
        super().__init__()
        self._vault = vault
        self._key = key
        self._dataset_id = dataset_id
        self._pending = list(copy_ids)
        self._current: BinaryIO | None = None
        self._current_stack: ExitStack | None = None
        stack.callback(self._close_current)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._current is None:
                if not self._pending:
                    return 0
                self._open_next()
            assert self._current is not None
            data = self._current.read(len(buffer))
            if data:
                buffer[:len(data)] = data
                return len(data)
            self._close_current()

    def _open_next(self) -> None:
        inner = ExitStack()
        self._current = inner.enter_context(
            self._vault.reader(self._key, self._dataset_id, self._pending.pop(0)))
        self._current_stack = inner

    def _close_current(self) -> None:
        if self._current_stack is not None:
            self._current_stack.close()
        self._current, self._current_stack = None, None
