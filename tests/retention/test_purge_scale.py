"""A dataset of thousands of shards, purged on the local vault and on S3: every object and
version gone, one DeleteObjects call per 1,000 versions plus one listing page each, the
certificate naming every copy through a digest and still a few kilobytes, and a purge cut
off between two DeleteObjects calls finished by the next run, its certificate counting what
both runs deleted."""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError
from sqlalchemy import select

from airlock.instance import Instance
from airlock.retention_jobs import purger
from audit import SYSTEM
from catalog import (
    CopyKind,
    DatasetState,
    PurgeRecord,
    StoredCopy,
    batched,
    get_dataset,
    new_id,
)
from retention import Cause, PurgeError
from retention.certificate_check import check_certificate, stored_certificate
from retention.certificate_document import (
    DeletionCertificate,
    canonical,
    copies_digest,
    sign,
)
from tests.retention import datasets
from vault import StoredObject

SHARDS = 2_001
"""More than two DeleteObjects calls' worth (a first, a middle and a last page): each shard
written costs the suite milliseconds of boto3 and moto, so no more than that."""
OVERWRITTEN = 7
"""Shards written twice: a second version each on S3."""
LEFTOVERS = 3
"""Objects under the dataset's prefix that no copy names (a write whose step rolled back)."""
REGISTER_BATCH = 500
DELETE_BATCH = 1000
PURGE_OPERATIONS = {"ListObjectVersions", "DeleteObjects", "ListMultipartUploads"}


@dataclass
class S3Requests:
    """The S3 operations the instance's client sends, counted; DeleteObjects calls past
    `fail_deletes_after` fail as a lost connection would."""

    counts: Counter[str]
    fail_deletes_after: int | None = None

    def __call__(self, event_name: str, **_: Any) -> None:
        operation = event_name.rpartition(".")[2]
        if (operation == "DeleteObjects" and self.fail_deletes_after is not None
                and self.counts[operation] >= self.fail_deletes_after):
            raise BotoCoreError
        self.counts[operation] += 1


@pytest.fixture
def s3_requests(monkeypatch: pytest.MonkeyPatch) -> S3Requests:
    """Installed before the instance makes its clients: requested before `any_instance`."""
    import boto3

    counter = S3Requests(Counter())
    session = boto3.session.Session()
    session.events.register("before-send.s3", counter)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    return counter


def sharded(instance: Instance) -> str:
    """An uploaded dataset with SHARDS more registered copies, OVERWRITTEN of them written
    twice, and LEFTOVERS unregistered objects."""
    dataset_id = datasets.uploaded(instance, datasets.contract(instance)).id
    with instance.reading() as session:
        key = instance.vault.data_key(session, dataset_id)

    def write(copy_id: str) -> tuple[str, StoredObject]:
        return copy_id, instance.vault.write(key, dataset_id, copy_id,
                                             io.BytesIO(copy_id.encode()))

    ids = [new_id() for _ in range(SHARDS)]
    with ThreadPoolExecutor(4) as pool:
        for batch in batched(ids, REGISTER_BATCH):
            written = list(pool.map(write, batch))
            with instance.transaction(SYSTEM) as tx:
                dataset = get_dataset(tx.session, dataset_id, for_update=True)
                for copy_id, stored in written:
                    instance.vault.register(tx, dataset, CopyKind.TEMP, copy_id, stored)
        list(pool.map(write, ids[:OVERWRITTEN] + [new_id() for _ in range(LEFTOVERS)]))
    return dataset_id


def versions_in_storage(instance: Instance, s3_client: Any, dataset_id: str) -> int:
    """Versions and delete markers on S3, files on the local vault, under the dataset."""
    settings = instance.settings
    if settings.storage == "s3":
        pages = s3_client.get_paginator("list_object_versions").paginate(
            Bucket=settings.s3_bucket, Prefix=f"{settings.s3_prefix}/datasets/{dataset_id}/")
        return sum(len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
                   for page in pages)
    folder = settings.vault_dir / "datasets" / dataset_id
    return sum(path.is_file() for path in folder.rglob("*")) + folder.exists()  # pruned too


def copy_ids(instance: Instance, dataset_id: str, kind: str) -> Iterator[str]:
    with instance.reading() as session:
        yield from session.execute(select(StoredCopy.id).where(
            StoredCopy.dataset_id == dataset_id, StoredCopy.kind == CopyKind(kind))).scalars()


def assert_purged(instance: Instance, s3_client: Any, dataset_id: str,
                  certificate: DeletionCertificate, versions: int) -> None:
    """Nothing left, every copy named, every version counted, and the certificate checks
    out."""
    assert certificate.verification.passed
    assert certificate.sanitisation.versions_deleted == versions
    assert certificate.sanitisation.leftovers_deleted == LEFTOVERS
    assert versions_in_storage(instance, s3_client, dataset_id) == 0
    assert instance.vault.list_objects(dataset_id) == []
    assert {(group.kind, group.count) for group in certificate.subject.copies} == {
        ("raw", 1), ("temp", SHARDS)}
    for group in certificate.subject.copies:
        assert group.ids_sha256 == copies_digest(copy_ids(instance, dataset_id, group.kind))
    assert certificate.verification.reads_attempted == SHARDS + 1
    assert len(certificate.model_dump_json()) < 4096  # the same size for 1 or 10,000 shards
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.PURGED
        assert check_certificate(session, dataset_id).valid


@pytest.fixture
def s3_client_if_any(request: pytest.FixtureRequest, any_instance: Instance) -> Any:
    return request.getfixturevalue("s3_client") if any_instance.settings.storage == "s3" \
        else None


def test_thousands_of_shards_are_purged_with_the_floor_of_requests(
        s3_requests: S3Requests, any_instance: Instance, s3_client_if_any: Any) -> None:
    instance = any_instance
    dataset_id = sharded(instance)
    on_s3 = instance.settings.storage == "s3"
    versions = SHARDS + 1 + LEFTOVERS + OVERWRITTEN * on_s3
    before = s3_requests.counts.copy()
    certificate = purger(instance).purge(dataset_id, Cause.UNTRAINED, datetime.now(UTC))
    sent = s3_requests.counts - before
    assert_purged(instance, s3_client_if_any, dataset_id, certificate, versions)
    assert set(sent) <= PURGE_OPERATIONS
    if on_s3:
        assert before["PutObject"] >= SHARDS  # the counter sees the instance's client
        pages = math.ceil(versions / DELETE_BATCH)
        assert sent["DeleteObjects"] == pages
        # every page once, then the listing after the deletion and the verification's
        assert sent["ListObjectVersions"] == pages + 2
        assert sent["ListMultipartUploads"] == 2


@pytest.mark.parametrize("any_instance", ["s3+kms"], indirect=True)
def test_a_purge_cut_off_between_two_deletes_is_finished_by_the_next_run(
        s3_requests: S3Requests, any_instance: Instance, s3_client_if_any: Any) -> None:
    instance = any_instance
    dataset_id = sharded(instance)
    s3_requests.fail_deletes_after = s3_requests.counts["DeleteObjects"] + 1
    with pytest.raises(PurgeError):
        purger(instance).purge(dataset_id, Cause.UNTRAINED, datetime.now(UTC))
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.PURGING
    versions = SHARDS + 1 + LEFTOVERS + OVERWRITTEN
    assert versions_in_storage(instance, s3_client_if_any, dataset_id) == \
        versions - DELETE_BATCH

    s3_requests.fail_deletes_after = None
    certificate = purger(instance).purge(dataset_id, Cause.UNTRAINED, datetime.now(UTC))
    assert_purged(instance, s3_client_if_any, dataset_id, certificate, versions)


def test_a_certificate_issued_before_the_copy_digest_still_verifies(instance: Instance) -> None:
    """Signed without `ids_sha256`, as certificates were before it: read back, its signed
    bytes are the same, and the checks pass."""
    dataset_id = datasets.uploaded(instance, datasets.contract(instance)).id
    issued = purger(instance).purge(dataset_id, Cause.UNTRAINED, datetime.now(UTC))
    body = json.loads(issued.model_dump_json(exclude={"signature"}))
    for group in body["subject"]["copies"]:
        del group["ids_sha256"]
    older = DeletionCertificate.model_validate(body)
    assert older.signed_bytes() == canonical(body)
    older = sign(older, instance.signer.sign(older.signed_bytes()))
    with instance.transaction(SYSTEM) as tx:
        record = tx.session.get(PurgeRecord, dataset_id)
        assert record is not None
        record.certificate = older.model_dump_json()
    with instance.reading() as session:
        assert check_certificate(session, dataset_id).valid
        assert "ids_sha256" not in stored_certificate(session, dataset_id).model_dump_json()
