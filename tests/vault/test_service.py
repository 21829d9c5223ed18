"""The catalog-aware vault on a real instance: local disk + key file, and S3 + KMS."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from airlock.admin import new_tenant
from airlock.cli.main import app
from airlock.instance import Instance, init_instance
from airlock.settings import Settings, get_settings
from audit import SYSTEM, verify_chain
from catalog import AuditEventRecord, CopyKind, Dataset, StoredCopy, create_dataset, live_copies
from tests.s3server import S3Server, make_client
from vault import KeyUnavailableError

CANARY = b"CANARY-6f1d2e-\xe5\xbc\xa0\xe4\xb8\x89-13812345678"


@pytest.fixture(params=["local", "s3+kms"])
def vault_instance(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Instance]:
    if request.param == "s3+kms":
        server: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        key_id = make_client(server, "kms").create_key()["KeyMetadata"]["KeyId"]
        settings = settings.model_copy(
            update={
                "storage": "s3",
                "s3_bucket": bucket,
                "s3_prefix": "tenant-data",
                "s3_endpoint_url": server.endpoint_url,
                "kms_key_id": key_id,
                "kms_endpoint_url": server.endpoint_url,
            }
        )
        for name, value in (
            ("STORAGE", "s3"),
            ("S3_BUCKET", bucket),
            ("S3_PREFIX", "tenant-data"),
            ("S3_ENDPOINT_URL", server.endpoint_url),
            ("KMS_KEY_ID", key_id),
            ("KMS_ENDPOINT_URL", server.endpoint_url),
        ):
            monkeypatch.setenv(f"AIRLOCK_{name}", value)
        get_settings.cache_clear()
    init_instance(settings)
    instance = Instance(settings)
    yield instance
    instance.dispose()


def _dataset(instance: Instance) -> Dataset:
    with instance.transaction(SYSTEM) as tx:
        tenant = new_tenant(tx, "acme")
        dataset = create_dataset(tx.session, tenant.id)
        instance.vault.create_key(tx, dataset)
    return dataset


def _store(
    instance: Instance, dataset: Dataset, payload: bytes, kind: CopyKind = CopyKind.RAW
) -> StoredCopy:
    with instance.transaction(SYSTEM) as tx:
        return instance.vault.store_copy(tx, dataset, kind, io.BytesIO(payload))


def _read(instance: Instance, copy: StoredCopy) -> bytes:
    with instance.transaction(SYSTEM) as tx, instance.vault.open_copy(tx, copy) as stream:
        return stream.read()


def test_store_registers_and_audits_the_copy(vault_instance: Instance) -> None:
    dataset = _dataset(vault_instance)
    payload = CANARY * 1000
    copy = _store(vault_instance, dataset, payload)
    assert _read(vault_instance, copy) == payload
    with vault_instance.reading() as session:
        [registered] = live_copies(session, dataset.id)
        assert registered.plaintext_size == len(payload) and registered.size > len(payload)
        assert registered.backend == vault_instance.settings.storage
        actions = session.execute(
            select(AuditEventRecord.action).where(AuditEventRecord.dataset_id == dataset.id)
        ).scalars()
        assert list(actions) == ["vault.key_created", "vault.object_stored"]
        assert verify_chain(session).intact


def test_failed_transaction_registers_nothing(vault_instance: Instance) -> None:
    dataset = _dataset(vault_instance)
    with pytest.raises(RuntimeError), vault_instance.transaction(SYSTEM) as tx:
        vault_instance.vault.store_copy(tx, dataset, CopyKind.TEMP, io.BytesIO(b"x"))
        raise RuntimeError("crash after the write")
    with vault_instance.reading() as session:
        assert session.execute(select(func.count()).select_from(StoredCopy)).scalar_one() == 0
        assert verify_chain(session).intact


def test_destroyed_key_makes_every_copy_unreadable(vault_instance: Instance) -> None:
    dataset = _dataset(vault_instance)
    copies = [_store(vault_instance, dataset, CANARY, kind) for kind in CopyKind]
    with vault_instance.transaction(SYSTEM) as tx:
        vault_instance.vault.destroy_key(tx, dataset)
    for copy in copies:
        with pytest.raises(KeyUnavailableError):
            _read(vault_instance, copy)


def test_deleted_copy_is_gone_from_the_backend(vault_instance: Instance) -> None:
    dataset = _dataset(vault_instance)
    copy = _store(vault_instance, dataset, CANARY)
    with vault_instance.transaction(SYSTEM) as tx:
        stored = tx.session.get(StoredCopy, copy.id)
        assert stored is not None
        assert vault_instance.vault.delete_copy(tx, dataset, stored) >= 1
    assert vault_instance.object_store.list_dataset(dataset.id) == []
    with vault_instance.reading() as session:
        assert live_copies(session, dataset.id) == []


def test_rotate_key_keeps_data_readable(
    vault_instance: Instance, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _dataset(vault_instance)
    copy = _store(vault_instance, dataset, CANARY)
    args = ["vault", "rotate-key", "--json"]
    new_key = None
    if vault_instance.settings.kms_key_id:
        new_key = make_client(s3_server, "kms").create_key()["KeyMetadata"]["KeyId"]
        args += ["--kms-key-id", new_key]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    if new_key:
        monkeypatch.setenv("AIRLOCK_KMS_KEY_ID", new_key)
    get_settings.cache_clear()
    rotated = Instance(get_settings())
    try:
        assert _read(rotated, copy) == CANARY
        assert rotated.master_key.key_id != vault_instance.master_key.key_id
    finally:
        rotated.dispose()
    if not vault_instance.settings.kms_key_id:
        with pytest.raises(KeyUnavailableError):
            _read(vault_instance, copy)  # the retired key no longer unwraps


def _files_under(root: Path) -> Iterator[bytes]:
    for path in root.rglob("*"):
        if path.is_file():
            yield path.read_bytes()


def test_no_plaintext_reaches_storage(
    vault_instance: Instance, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    dataset = _dataset(vault_instance)
    for kind in CopyKind:
        _store(vault_instance, dataset, CANARY * 3000, kind)
    needles = (CANARY, CANARY[:16])
    blobs: list[bytes] = list(_files_under(tmp_path))
    if vault_instance.settings.storage == "s3":
        client: Any = request.getfixturevalue("s3_client")
        bucket = vault_instance.settings.s3_bucket
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for version in page.get("Versions", []):
                blobs.append(
                    client.get_object(
                        Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"]
                    )["Body"].read()
                )
    assert blobs
    assert not any(needle in blob for blob in blobs for needle in needles)
