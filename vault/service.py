"""The catalog-aware vault: one data key per dataset, every write registered and audited.

Work happens inside the caller's transaction, so a stored copy, the state change that
caused it and their audit events commit together. An object written to a backend whose
transaction then rolls back is an unregistered leftover; the retention purge lists each
dataset's prefix and removes those too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import Transaction
from audit.events import (
    DataKeyCreated,
    DataKeyDestroyed,
    ObjectStored,
)
from catalog import (
    CopyKind,
    DataKeyRecord,
    Dataset,
    StoredCopy,
    register_copy,
    utcnow,
)
from vault.backends.base import Backend
from vault.errors import KeyUnavailableError
from vault.fields import FieldCipher
from vault.keys import DataKey, MasterKey, unwrap_data_key, wrap_data_key
from vault.object_store import ObjectStore, StoredObject
from vault.shards import joined
from vault.streaming import read_chunks


def key_context(dataset_id: str) -> str:
    return f"airlock:dataset:{dataset_id}"


class VaultService:
    """The one way into storage: callers outside the vault never hold the `ObjectStore`."""

    def __init__(self, master: MasterKey, backend: Backend) -> None:
        self.master = master
        self._store = ObjectStore(backend)

    @property
    def backend_name(self) -> str:
        return self._store.backend_name

    def check(self) -> None:
        """Raise VaultError unless the backend can take writes now."""
        self._store.check()

    def create_key(self, tx: Transaction, dataset: Dataset) -> DataKey:
        key = DataKey.generate()
        tx.session.add(
            DataKeyRecord(
                dataset_id=dataset.id,
                key_id=key.key_id,
                master_key_id=self.master.key_id,
                wrapped=wrap_data_key(self.master, key, key_context(dataset.id)),
            )
        )
        tx.record(
            DataKeyCreated(
                tenant=dataset.tenant_id,
                dataset=dataset.id,
                key_id=key.key_id,
                master_key_id=self.master.key_id,
            )
        )
        return key

    def data_key(self, session: Session, dataset_id: str) -> DataKey:
        return self.unwrap(dataset_id, self.wrapped_key(session, dataset_id))

    def wrapped_key(self, session: Session, dataset_id: str) -> bytes:
        """The dataset's data key as stored, wrapped by the master key: what a worker is
        given, to unwrap itself (`unwrap`), so that no plaintext key travels."""
        record = session.get(DataKeyRecord, dataset_id)
        if record is None or record.wrapped is None:
            raise KeyUnavailableError(
                f"dataset {dataset_id} has no data key (never created or destroyed)"
            )
        return record.wrapped

    def unwrap(self, dataset_id: str, wrapped: bytes) -> DataKey:
        return unwrap_data_key(self.master, wrapped, key_context(dataset_id))

    def field_cipher(self, session: Session, dataset_id: str) -> FieldCipher:
        """Seals and opens the dataset's file names, class names and reports in the catalog."""
        return FieldCipher(self.data_key(session, dataset_id), dataset_id)

    def field_cipher_of(self, dataset_id: str, wrapped: bytes) -> FieldCipher:
        """The same from a wrapped key read directly (the migration that seals old rows)."""
        return FieldCipher(self.unwrap(dataset_id, wrapped), dataset_id)

    def write(self, key: DataKey, dataset_id: str, copy_id: str,
              source: BinaryIO) -> StoredObject:
        """Encrypt `source` into the backend, outside any transaction (uploads are long)."""
        return self._store.put(key, dataset_id, copy_id, source)

    @contextmanager
    def reader(self, key: DataKey, dataset_id: str, copy_id: str) -> Iterator[BinaryIO]:
        """The plaintext of a copy, with a key unwrapped earlier (reads outlive transactions)."""
        with self._store.open(key, dataset_id, copy_id) as stream:
            yield stream

    def chunks(self, key: DataKey, dataset_id: str, copy_id: str) -> Iterator[bytes]:
        """The plaintext of a copy in bounded pieces, for an HTTP response or a file; the
        object opens at the first piece and closes after the last."""
        with self.reader(key, dataset_id, copy_id) as stream:
            yield from read_chunks(stream)

    def joined_chunks(self, key: DataKey, dataset_id: str,
                      shard_ids: list[str]) -> Iterator[bytes]:
        """Shards' plaintexts as one tar, each shard opened in turn (`vault.shards.joined`)."""
        return joined(self.chunks(key, dataset_id, copy_id) for copy_id in shard_ids)

    def discard(self, dataset_id: str, copy_id: str) -> int:
        """Remove an object that was never registered (a failed step's partial copy)."""
        return self._store.delete(dataset_id, copy_id)

    def list_objects(self, dataset_id: str) -> list[str]:
        """Object ids stored for the dataset, registered or left over (every S3 page)."""
        return self._store.list_dataset(dataset_id)

    def delete_objects(self, dataset_id: str) -> Iterator[dict[str, int]]:
        """Every version of every object of the dataset; yields the versions removed per
        object id, a batch at a time (1,000 versions on S3), each once it is deleted."""
        return self._store.delete_dataset(dataset_id)

    def list_partial(self, dataset_id: str) -> list[str]:
        """Writes of the dataset that never completed (temporary files, unfinished multipart
        uploads): what a process killed mid-write leaves behind."""
        return self._store.list_partial(dataset_id)

    def delete_partial(self, dataset_id: str) -> int:
        """Remove those writes; returns how many."""
        return self._store.delete_partial(dataset_id)

    def register(self, tx: Transaction, dataset: Dataset, kind: CopyKind, copy_id: str,
                 written: StoredObject, shard: int | None = None) -> StoredCopy:
        copy = register_copy(
            tx.session, copy_id=copy_id, dataset_id=dataset.id, kind=kind,
            backend=written.backend, locator=written.locator, size=written.ciphertext_size,
            plaintext_size=written.plaintext_size, digest=written.plaintext_sha256, shard=shard)
        tx.record(ObjectStored(tenant=dataset.tenant_id, dataset=dataset.id, copy_id=copy.id,
                               kind=kind.value, backend=written.backend,
                               size=written.plaintext_size, sha256=written.plaintext_sha256))
        return copy

    def destroy_key(self, tx: Transaction, dataset: Dataset) -> None:
        """Crypto-shredding: without the wrapped key no copy of the dataset can be read."""
        record = tx.session.get(DataKeyRecord, dataset.id)
        if record is None or record.wrapped is None:
            return
        record.wrapped = None
        record.master_key_id = None
        record.destroyed_at = utcnow()
        tx.record(
            DataKeyDestroyed(tenant=dataset.tenant_id, dataset=dataset.id, key_id=record.key_id)
        )

    def rewrap_all(self, tx: Transaction, new_master: MasterKey) -> int:
        """Rewrap every live data key under `new_master`; the data is not re-encrypted."""
        records = tx.session.execute(
            select(DataKeyRecord).where(DataKeyRecord.wrapped.is_not(None)).with_for_update()
        ).scalars()
        count = 0
        for record in records:
            assert record.wrapped is not None
            context = key_context(record.dataset_id)
            key = unwrap_data_key(self.master, record.wrapped, context)
            record.wrapped = wrap_data_key(new_master, key, context)
            record.master_key_id = new_master.key_id
            record.rewrapped_at = utcnow()
            count += 1
        return count
