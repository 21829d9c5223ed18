"""Receiving an upload: streamed straight into the vault, encrypted, in bounded memory.

The upload runs outside any database transaction (it may take minutes and SQLite has one
writer): a short transaction creates the dataset and its key, the bytes stream into the
vault, and a second short transaction registers the raw copy — or, on failure, records why
and hands the dataset to the caller's `on_failed`, which purges it (intake deletes nothing
itself: every deletion goes through the retention purge, which certifies it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from audit import Transactions
from catalog import Contract, CopyKind, Dataset, create_dataset, get_dataset, new_id
from intake.events import UploadFailed, UploadReceived
from vault import VaultService


class UploadTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload exceeds the maximum of {limit} bytes; nothing was kept")
        self.limit = limit


class LimitedReader(io.RawIOBase):
    """Counts what passes and stops the upload the moment it goes over `limit`."""

    def __init__(self, source: BinaryIO, limit: int,
                 on_progress: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._source = source
        self._limit = limit
        self._on_progress = on_progress
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self.count += len(data)
        if self.count > self._limit:
            raise UploadTooLargeError(self._limit)
        if self._on_progress is not None and data:
            self._on_progress(len(data))
        return data


def receive_upload(transactions: Transactions, vault: VaultService, contract: Contract,
                   source: BinaryIO, max_bytes: int,
                   on_progress: Callable[[int], None] | None = None,
                   on_failed: Callable[[str], None] | None = None) -> Dataset:
    """Stream `source` into a new dataset's raw copy; returns the dataset (state received).
    On failure the error is raised once `UploadFailed` is recorded and `on_failed` was
    called with the dataset id."""
    with transactions() as tx:
        dataset = create_dataset(tx.session, contract.tenant_id, contract.id)
        key = vault.create_key(tx, dataset)
    reader = LimitedReader(source, max_bytes, on_progress)
    copy_id = new_id()
    try:
        written = vault.write(key, dataset.id, copy_id, reader)  # type: ignore[arg-type]
    except BaseException as exc:
        _record_failure(transactions, dataset.id, _reason(exc), reader.count)
        if on_failed is not None:
            on_failed(dataset.id)
        raise
    with transactions() as tx:
        dataset = get_dataset(tx.session, dataset.id, for_update=True)
        vault.register(tx, dataset, CopyKind.RAW, copy_id, written)
        dataset.upload_sha256 = written.plaintext_sha256
        dataset.upload_bytes = written.plaintext_size
        tx.record(UploadReceived(tenant=dataset.tenant_id, dataset=dataset.id,
                                 contract_id=contract.id, bytes=written.plaintext_size,
                                 sha256=written.plaintext_sha256))
    return dataset


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UploadTooLargeError):
        return "too_large"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, TimeoutError):  # the sender stalled or trickled
        return "too_slow"
    return "stream_failed"


def _record_failure(transactions: Transactions, dataset_id: str, reason: str,
                    received: int) -> None:
    with transactions() as tx:
        dataset = get_dataset(tx.session, dataset_id)
        tx.record(UploadFailed(tenant=dataset.tenant_id, dataset=dataset.id, reason=reason,
                               bytes=received))
