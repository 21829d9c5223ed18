"""S3-only behaviour: versions, delete markers, unversioned buckets, key prefix, errors."""

from typing import Any

import pytest

from vault import S3Backend, VaultError
from vault.backends import s3


def put(backend: S3Backend, locator: str, data: bytes) -> None:
    with backend.writer(locator) as destination:
        destination.write(data)


def test_objects_live_under_the_prefix(s3_client: Any, s3_bucket: str) -> None:
    put(S3Backend(s3_client, s3_bucket, prefix="tenant/airlock/"), "datasets/d/raw", b"x")
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert keys == ["tenant/airlock/datasets/d/raw"]


def test_keys_with_only_noncurrent_versions_are_listed_and_purged(
    s3_client: Any, s3_bucket: str
) -> None:
    backend = S3Backend(s3_client, s3_bucket)
    put(backend, "datasets/d/raw", b"x")
    s3_client.delete_object(Bucket=s3_bucket, Key="datasets/d/raw")  # leaves a delete marker
    assert not backend.exists("datasets/d/raw")
    assert list(backend.list("datasets/d/")) == ["datasets/d/raw"]
    assert backend.delete("datasets/d/raw") == 2
    versions = s3_client.list_object_versions(Bucket=s3_bucket)
    assert "Versions" not in versions
    assert "DeleteMarkers" not in versions


def test_delete_on_an_unversioned_bucket(s3_client: Any) -> None:
    s3_client.create_bucket(Bucket="airlock-unversioned")
    backend = S3Backend(s3_client, "airlock-unversioned")
    put(backend, "datasets/d/raw", b"x")
    put(backend, "datasets/d/raw", b"y")
    assert backend.delete("datasets/d/raw") == 1
    assert list(backend.list("")) == []


def test_delete_in_several_requests(
    s3_client: Any, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3, "_DELETE_BATCH", 2)  # S3 allows 1000; too slow to create here
    backend = S3Backend(s3_client, s3_bucket)
    for _ in range(5):
        put(backend, "datasets/d/raw", b"v")
    assert backend.delete("datasets/d/raw") == 5
    assert list(backend.list("")) == []


def test_storage_errors_become_vault_errors(s3_client: Any) -> None:
    backend = S3Backend(s3_client, "airlock-no-such-bucket")
    with pytest.raises(VaultError, match="S3 write of 'datasets/d/raw' failed: NoSuchBucket"):
        put(backend, "datasets/d/raw", b"x")
    with pytest.raises(VaultError, match="NoSuchBucket"):
        list(backend.list(""))


def test_invalid_prefix_is_rejected(s3_client: Any, s3_bucket: str) -> None:
    with pytest.raises(VaultError):
        S3Backend(s3_client, s3_bucket, prefix="../other")


def test_check_fails_without_the_bucket(s3_client: Any) -> None:
    with pytest.raises(VaultError, match="the S3 bucket cannot be reached"):
        S3Backend(s3_client, "airlock-no-such-bucket").check()
