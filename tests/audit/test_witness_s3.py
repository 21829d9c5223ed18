"""The S3 Object Lock witness on the loopback S3 server: it keeps every checkpoint where
neither a database writer nor root on the host can remove it, so wiping the log, its
checkpoints and the witness file together is still detected."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import delete, select, update

from airlock.instance import Instance
from audit import GENESIS_HASH, SYSTEM
from audit.events import TenantCreated
from catalog import AuditCheckpoint, AuditEventRecord, AuditHead
from tests.s3server import S3Server


@pytest.fixture
def locked_bucket(s3_client: Any) -> str:
    name = f"airlock-witness-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


@pytest.fixture
def witnessed(instance: Instance, s3_server: S3Server, locked_bucket: str) -> Iterator[Instance]:
    settings = instance.settings.model_copy(update={
        "witness_s3_bucket": locked_bucket, "s3_endpoint_url": s3_server.endpoint_url})
    with_s3 = Instance(settings)
    yield with_s3
    with_s3.dispose()


def _log(instance: Instance, checkpoints: int) -> None:
    for n in range(checkpoints):
        with instance.transaction(SYSTEM) as tx:
            tx.record(TenantCreated(tenant=f"s{n}"))
            instance.checkpoint(tx)


def test_each_checkpoint_is_a_locked_object_version(witnessed: Instance, s3_client: Any,
                                                    locked_bucket: str) -> None:
    _log(witnessed, 3)
    versions = s3_client.list_object_versions(Bucket=locked_bucket)["Versions"]
    assert len(versions) == 3
    first = versions[0]
    head = s3_client.head_object(Bucket=locked_bucket, Key=first["Key"],
                                 VersionId=first["VersionId"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    with pytest.raises(ClientError):
        s3_client.delete_object(Bucket=locked_bucket, Key=first["Key"],
                                VersionId=first["VersionId"])
    assert witnessed.verify_audit().intact


def test_wiping_the_database_and_the_witness_file_is_still_detected(
        witnessed: Instance, s3_client: Any, locked_bucket: str) -> None:
    _log(witnessed, 3)
    with witnessed.sessions() as session, session.begin():
        session.execute(delete(AuditEventRecord))
        session.execute(delete(AuditCheckpoint))
        session.execute(update(AuditHead).values(seq=0, hash=GENESIS_HASH, checkpoint_size=None,
                                                 checkpoint_root=None, checkpoint_at=None))
    witnessed.witness.path.write_bytes(b"")  # the file witness emptied too
    for version in s3_client.list_object_versions(Bucket=locked_bucket)["Versions"]:
        s3_client.delete_object(Bucket=locked_bucket, Key=version["Key"])  # delete markers
    with witnessed.reading() as session:
        assert session.execute(select(AuditEventRecord)).first() is None
    result = witnessed.verify_audit()
    assert not result.intact
    assert "rolled back" in (result.problem or "") and result.witnessed_size
