"""ObjectStore end to end on every backend: plaintext never reaches storage."""

import hashlib
import io

import pytest

from tests.vault.storage_probes import BackendUnderTest
from vault import (
    DataKey,
    IntegrityError,
    InvalidLocatorError,
    ObjectNotFoundError,
    ObjectStore,
)

CANARY = b"CANARY-Zhang-San-13800138000-"
# Over two 1 MiB segments, and over one S3 part so multipart uploads are covered too.
PLAINTEXT = CANARY * (9 * 1024 * 1024 // len(CANARY))


@pytest.fixture
def store(storage: BackendUnderTest) -> ObjectStore:
    return ObjectStore(storage.backend)


def read_all(store: ObjectStore, key: DataKey, dataset_id: str, object_id: str) -> bytes:
    with store.open(key, dataset_id, object_id) as plaintext:
        return b"".join(iter(lambda: plaintext.read(256 * 1024), b""))


def test_put_open_round_trip_and_no_plaintext_at_rest(
    store: ObjectStore, storage: BackendUnderTest
) -> None:
    key = DataKey.generate()
    stored = store.put(key, "ds-1", "raw", io.BytesIO(PLAINTEXT))
    assert stored.locator == "datasets/ds-1/raw"
    assert stored.backend == storage.backend.name
    assert stored.plaintext_size == len(PLAINTEXT)
    assert stored.plaintext_sha256 == hashlib.sha256(PLAINTEXT).hexdigest()
    assert stored.ciphertext_size > stored.plaintext_size
    assert read_all(store, key, "ds-1", "raw") == PLAINTEXT
    blobs = list(storage.probe.raw_blobs())
    assert [len(blob) for blob in blobs] == [stored.ciphertext_size]
    assert not any(CANARY in blob or CANARY[:16] in blob for blob in blobs)


def test_object_ids_may_nest(store: ObjectStore) -> None:
    key = DataKey.generate()
    store.put(key, "ds-1", "anonymised/items/0001.jpg", io.BytesIO(b"a"))
    store.put(key, "ds-1", "raw", io.BytesIO(b"r"))
    store.put(key, "ds-10", "raw", io.BytesIO(b"other dataset"))
    assert sorted(store.list_dataset("ds-1")) == ["anonymised/items/0001.jpg", "raw"]
    assert read_all(store, key, "ds-1", "anonymised/items/0001.jpg") == b"a"


def test_swapped_objects_fail_authentication(store: ObjectStore, storage: BackendUnderTest) -> None:
    key = DataKey.generate()
    store.put(key, "ds-1", "labels", io.BytesIO(b"labels"))
    store.put(key, "ds-1", "images", io.BytesIO(b"images"))
    with storage.backend.reader("datasets/ds-1/labels") as source:
        labels_ciphertext = source.read()
    with storage.backend.writer("datasets/ds-1/images") as destination:
        destination.write(labels_ciphertext)
    with pytest.raises(IntegrityError):
        read_all(store, key, "ds-1", "images")


def test_wrong_dataset_key_fails_authentication(store: ObjectStore) -> None:
    store.put(DataKey.generate(), "ds-1", "raw", io.BytesIO(b"secret"))
    with pytest.raises(IntegrityError):
        read_all(store, DataKey.generate(), "ds-1", "raw")


def test_delete_and_missing_objects(store: ObjectStore) -> None:
    key = DataKey.generate()
    store.put(key, "ds-1", "raw", io.BytesIO(b"x"))
    assert store.delete("ds-1", "raw") >= 1
    assert store.list_dataset("ds-1") == []
    assert store.delete("ds-1", "raw") == 0
    with pytest.raises(ObjectNotFoundError):
        read_all(store, key, "ds-1", "raw")


def test_failed_source_leaves_nothing(store: ObjectStore, storage: BackendUnderTest) -> None:
    class BrokenUpload(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview, /) -> int:  # type: ignore[override]
            raise ConnectionResetError("client disconnected")

    with pytest.raises(ConnectionResetError):
        store.put(DataKey.generate(), "ds-1", "raw", BrokenUpload())  # type: ignore[arg-type]
    assert store.list_dataset("ds-1") == []
    assert storage.probe.pending_writes() == []


@pytest.mark.parametrize(("dataset_id", "object_id"), [("a/b", "raw"), ("ds", "../raw"), ("", "x")])
def test_unsafe_ids_are_rejected(store: ObjectStore, dataset_id: str, object_id: str) -> None:
    with pytest.raises(InvalidLocatorError):
        store.put(DataKey.generate(), dataset_id, object_id, io.BytesIO(b"x"))
