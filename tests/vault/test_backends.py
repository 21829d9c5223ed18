"""The same behaviour from every backend (local directory and S3 on a loopback server)."""

import hashlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.vault.storage_probes import BackendUnderTest
from vault import InvalidLocatorError, ObjectNotFoundError, S3Backend
from vault.backends.s3 import PART_SIZE

MIB = 1024 * 1024


def write(storage: BackendUnderTest, locator: str, data: bytes) -> None:
    with storage.backend.writer(locator) as destination:
        destination.write(data)


def read(storage: BackendUnderTest, locator: str) -> bytes:
    with storage.backend.reader(locator) as source:
        return source.read()


def pseudo_random_chunks(total: int, chunk: int = MIB) -> Iterator[bytes]:
    blocks = (os.urandom(chunk), os.urandom(chunk))
    for index, offset in enumerate(range(0, total, chunk)):
        yield blocks[index % 2][: total - offset]


def merged(batches: Iterator[dict[str, int]]) -> dict[str, int]:
    """What `delete_prefix` removed, its batches added up."""
    total: dict[str, int] = {}
    for batch in batches:
        for locator, versions in batch.items():
            total[locator] = total.get(locator, 0) + versions
    return total


def test_write_read_round_trip(storage: BackendUnderTest) -> None:
    write(storage, "datasets/d1/raw", b"ciphertext bytes")
    assert storage.backend.exists("datasets/d1/raw")
    assert read(storage, "datasets/d1/raw") == b"ciphertext bytes"


def test_empty_object_round_trip(storage: BackendUnderTest) -> None:
    write(storage, "datasets/d1/empty", b"")
    assert read(storage, "datasets/d1/empty") == b""


def test_overwrite_replaces_content(storage: BackendUnderTest) -> None:
    write(storage, "datasets/d1/raw", b"first")
    write(storage, "datasets/d1/raw", b"second")
    assert read(storage, "datasets/d1/raw") == b"second"


class Aborted(Exception):
    """Stands for whatever interrupts a write: a client disconnect, a failed validation."""


def write_then_abort(storage: BackendUnderTest, locator: str, data: bytes) -> None:
    with storage.backend.writer(locator) as destination:
        destination.write(data)
        raise Aborted


@pytest.mark.parametrize("size", [10, PART_SIZE + 10])
def test_abort_on_exception_leaves_nothing(storage: BackendUnderTest, size: int) -> None:
    with pytest.raises(Aborted):
        write_then_abort(storage, "datasets/d1/raw", b"\x01" * size)
    assert list(storage.backend.list("")) == []
    assert not storage.backend.exists("datasets/d1/raw")
    assert storage.probe.pending_writes() == []


def test_abort_keeps_the_previous_version(storage: BackendUnderTest) -> None:
    write(storage, "datasets/d1/raw", b"committed")
    with pytest.raises(Aborted):
        write_then_abort(storage, "datasets/d1/raw", b"partial")
    assert read(storage, "datasets/d1/raw") == b"committed"


def test_large_object_spanning_several_parts(storage: BackendUnderTest) -> None:
    size = 2 * PART_SIZE + 4 * MIB + 123
    expected = hashlib.sha256()
    with storage.backend.writer("datasets/d1/large") as destination:
        for chunk in pseudo_random_chunks(size, chunk=3 * MIB):
            expected.update(chunk)
            destination.write(chunk)
    actual = hashlib.sha256()
    total = 0
    with storage.backend.reader("datasets/d1/large") as source:
        while chunk := source.read(MIB):
            assert len(chunk) <= MIB
            actual.update(chunk)
            total += len(chunk)
    assert total == size
    assert actual.hexdigest() == expected.hexdigest()
    assert storage.probe.pending_writes() == []


def test_delete_removes_every_version(storage: BackendUnderTest) -> None:
    for content in (b"one", b"two", b"three"):
        write(storage, "datasets/d1/raw", content)
    write(storage, "datasets/d1/raw-keep", b"neighbour")
    removed = storage.backend.delete("datasets/d1/raw")
    assert removed == storage.backend.name.count("s3") * 2 + 1  # 3 versions on S3, 1 file
    assert storage.probe.version_count("datasets/d1/raw") == 0
    assert not storage.backend.exists("datasets/d1/raw")
    assert list(storage.backend.list("datasets/d1/")) == ["datasets/d1/raw-keep"]
    assert storage.backend.delete("datasets/d1/raw") == 0


def test_delete_prefix_removes_every_version_of_every_object_under_it(
        storage: BackendUnderTest) -> None:
    for content in (b"one", b"two"):
        write(storage, "datasets/d1/raw", content)
    write(storage, "datasets/d1/nested/part", b"x")
    write(storage, "datasets/d10/raw", b"neighbour with a longer id")
    storage.backend.delete("datasets/d1/gone")  # nothing there: no delete marker either
    removed = merged(storage.backend.delete_prefix("datasets/d1/"))
    s3 = storage.backend.name == "s3"
    assert removed == {"datasets/d1/raw": 2 if s3 else 1, "datasets/d1/nested/part": 1}
    assert storage.probe.version_count("datasets/d1/raw") == 0
    assert list(storage.backend.list("datasets/d1/")) == []
    assert list(storage.backend.list("datasets/d10/")) == ["datasets/d10/raw"]
    assert list(storage.backend.delete_prefix("datasets/d1/")) == []


def test_delete_prefix_goes_past_one_listing_page(s3_client: Any, s3_bucket: str) -> None:
    """More than 1,000 versions: one listing page and one DeleteObjects call are not enough."""
    backend = S3Backend(s3_client, s3_bucket, prefix="airlock")
    for n in range(1030):
        s3_client.put_object(Bucket=s3_bucket, Key=f"airlock/datasets/big/o{n:04d}", Body=b".")
    s3_client.put_object(Bucket=s3_bucket, Key="airlock/datasets/big/o0000", Body=b"v2")
    batches = list(backend.delete_prefix("datasets/big/"))
    assert [sum(batch.values()) for batch in batches] == [1000, 31]  # one DeleteObjects each
    removed = merged(iter(batches))
    assert len(removed) == 1030 and sum(removed.values()) == 1031
    assert s3_client.list_object_versions(Bucket=s3_bucket,
                                          Prefix="airlock/datasets/big/").get("Versions") is None


def test_list_matches_a_string_prefix(storage: BackendUnderTest) -> None:
    for locator in ("datasets/a/x", "datasets/a/y/z", "datasets/ab/w", "other/q"):
        write(storage, locator, b".")
    backend = storage.backend
    assert sorted(backend.list("datasets/a/")) == ["datasets/a/x", "datasets/a/y/z"]
    assert sorted(backend.list("datasets/a")) == ["datasets/a/x", "datasets/a/y/z", "datasets/ab/w"]
    assert sorted(backend.list("")) == [
        "datasets/a/x",
        "datasets/a/y/z",
        "datasets/ab/w",
        "other/q",
    ]
    assert list(backend.list("datasets/none/")) == []


def test_reading_a_missing_object_raises(storage: BackendUnderTest) -> None:
    with pytest.raises(ObjectNotFoundError), storage.backend.reader("datasets/d1/missing"):
        pass
    assert not storage.backend.exists("datasets/d1/missing")


INVALID_LOCATORS = [
    "",
    "/etc/passwd",
    "datasets//raw",
    "datasets/raw/",
    "../outside",
    "datasets/../../outside",
    "./raw",
    ".tmp/raw",
    "datasets/.hidden",
    "with space",
    "back\\slash",
    "nul\x00byte",
    "ümlaut",
    "x" * 513,
    "datasets/" + "y" * 256,
]


@pytest.mark.parametrize("locator", INVALID_LOCATORS)
def test_invalid_locators_are_rejected(storage: BackendUnderTest, locator: str) -> None:
    backend = storage.backend
    with pytest.raises(InvalidLocatorError), backend.writer(locator):
        pass
    with pytest.raises(InvalidLocatorError), backend.reader(locator):
        pass
    with pytest.raises(InvalidLocatorError):
        backend.delete(locator)
    with pytest.raises(InvalidLocatorError):
        backend.exists(locator)
    if locator and not locator.endswith("/"):  # "a/b/" is a valid list prefix
        with pytest.raises(InvalidLocatorError):
            list(backend.list(locator))


def test_check_passes_on_a_writable_backend(storage: BackendUnderTest) -> None:
    storage.backend.check()
    assert list(storage.backend.list("")) == []  # the probe leaves nothing


@pytest.mark.parametrize("size", [10, PART_SIZE + 10])
def test_a_write_cut_off_by_a_killed_process_is_found_and_deleted_with_its_dataset(
        storage: BackendUnderTest, size: int) -> None:
    """A killed process never leaves its writer: what it wrote so far stays as a partial
    write (a temporary file; on S3, a multipart upload once a part was sent)."""
    write(storage, "datasets/other/raw", b"kept")
    cut_off = storage.backend.writer("datasets/d1/raw")
    cut_off.__enter__().write(b"\x01" * size)
    partial = list(storage.backend.list_partial("datasets/d1/"))
    expected = 0 if storage.backend.name == "s3" and size < PART_SIZE else 1
    assert len(partial) == expected  # a small S3 write is still in memory: nothing stored
    assert list(storage.backend.list_partial("datasets/other/")) == []
    assert list(storage.backend.list("datasets/d1/")) == []
    assert storage.backend.delete_partial("datasets/d1/") == expected
    assert list(storage.backend.list_partial("")) == []
    assert storage.probe.pending_writes() == []
    assert read(storage, "datasets/other/raw") == b"kept"
