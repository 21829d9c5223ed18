"""Encrypted objects of datasets on a backend: the vault's storage service."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, cast

from vault.backends.base import Backend, validate_locator, validate_prefix
from vault.errors import InvalidLocatorError
from vault.keys import DataKey
from vault.streaming import associated_data, decrypt_stream, encrypt_stream

_READ_BUFFER = 1024 * 1024


@dataclass(frozen=True)
class StoredObject:
    locator: str
    backend: str
    plaintext_size: int
    plaintext_sha256: str
    ciphertext_size: int


class ObjectStore:
    """Stores each object of a dataset encrypted under the dataset's key, bound to its name."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def locator(self, dataset_id: str, object_id: str) -> str:
        """`datasets/<dataset_id>/<object_id>`; object ids may contain '/' but dataset ids not."""
        return validate_locator(_dataset_prefix(dataset_id) + object_id)

    def put(self, key: DataKey, dataset_id: str, object_id: str, source: BinaryIO) -> StoredObject:
        locator = self.locator(dataset_id, object_id)
        ad = associated_data(dataset_id, object_id)
        with self._backend.writer(locator) as destination:
            written = encrypt_stream(key, source, destination, ad)
        return StoredObject(
            locator=locator,
            backend=self._backend.name,
            plaintext_size=written.plaintext_size,
            plaintext_sha256=written.plaintext_sha256,
            ciphertext_size=written.ciphertext_size,
        )

    @contextmanager
    def open(self, key: DataKey, dataset_id: str, object_id: str) -> Iterator[BinaryIO]:
        """Plaintext reader; raises IntegrityError on tampering, ObjectNotFoundError if absent."""
        ad = associated_data(dataset_id, object_id)
        with (
            self._backend.reader(self.locator(dataset_id, object_id)) as ciphertext,
            decrypt_stream(key, ciphertext, ad) as plaintext,
        ):
            # Whole segments at a time: consumers that read in small pieces (tarfile reads
            # 10 KiB records) would otherwise cross the Tink binding once per piece.
            yield cast(BinaryIO, io.BufferedReader(cast(io.RawIOBase, plaintext),
                                                   buffer_size=_READ_BUFFER))

    def delete(self, dataset_id: str, object_id: str) -> int:
        """Remove every stored version; returns how many were removed (0 if none)."""
        return self._backend.delete(self.locator(dataset_id, object_id))

    def delete_dataset(self, dataset_id: str) -> Iterator[dict[str, int]]:
        """Every version of every object of the dataset, registered or not; yields the
        versions removed per object id, a batch at a time, each once it is deleted."""
        prefix = _dataset_prefix(dataset_id)
        for batch in self._backend.delete_prefix(prefix):
            yield {locator.removeprefix(prefix): versions for locator, versions in batch.items()}

    def list_partial(self, dataset_id: str) -> list[str]:
        """Writes of the dataset that never completed (a process killed mid-write)."""
        return list(self._backend.list_partial(_dataset_prefix(dataset_id)))

    def delete_partial(self, dataset_id: str) -> int:
        return self._backend.delete_partial(_dataset_prefix(dataset_id))

    @property
    def backend_name(self) -> str:
        return self._backend.name

    def check(self) -> None:
        """Raise VaultError unless the backend can take writes now."""
        self._backend.check()

    def exists(self, dataset_id: str, object_id: str) -> bool:
        return self._backend.exists(self.locator(dataset_id, object_id))

    def list_dataset(self, dataset_id: str) -> list[str]:
        """Object ids (not locators) stored for the dataset, including leftover versions on S3."""
        prefix = _dataset_prefix(dataset_id)
        return [locator.removeprefix(prefix) for locator in self._backend.list(prefix)]


def _dataset_prefix(dataset_id: str) -> str:
    """`datasets/<dataset_id>/`, refusing ids that would nest one dataset inside another."""
    if "/" in dataset_id:
        raise InvalidLocatorError(f"dataset id {dataset_id!r} must not contain '/'")
    return validate_prefix(f"datasets/{dataset_id}/")
