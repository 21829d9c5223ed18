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
from airlock.instance import Instance
from airlock.settings import Settings
from audit import SYSTEM, Transaction, verify_chain
from catalog import (
    AuditEventRecord,
    CopyKind,
    Dataset,
    StoredCopy,
    create_dataset,
    live_copies,
    new_id,
)
from tests.s3server import S3Server, make_client
from vault import KeyUnavailableError

CANARY = b"CANARY-6f1d2e-\xe5\xbc\xa0\xe4\xb8\x89-13812345678"


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
        return _store_in(instance, tx, dataset, kind, payload)


def _store_in(instance: Instance, tx: Transaction, dataset: Dataset, kind: CopyKind,
              payload: bytes) -> StoredCopy:
    copy_id = new_id()
    key = instance.vault.data_key(tx.session, dataset.id)
    written = instance.vault.write(key, dataset.id, copy_id, io.BytesIO(payload))
    return instance.vault.register(tx, dataset, kind, copy_id, written)


def _read(instance: Instance, copy: StoredCopy) -> bytes:
    with instance.reading() as session:
        key = instance.vault.data_key(session, copy.dataset_id)
    return b"".join(instance.vault.chunks(key, copy.dataset_id, copy.id))


def test_store_registers_and_audits_the_copy(any_instance: Instance) -> None:
    dataset = _dataset(any_instance)
    payload = CANARY * 1000
    copy = _store(any_instance, dataset, payload)
    assert _read(any_instance, copy) == payload
    with any_instance.reading() as session:
        [registered] = live_copies(session, dataset.id)
        assert registered.plaintext_size == len(payload) and registered.size > len(payload)
        assert registered.backend == any_instance.settings.storage
        actions = session.execute(
            select(AuditEventRecord.action).where(AuditEventRecord.dataset_id == dataset.id)
        ).scalars()
        assert list(actions) == ["vault.key_created", "vault.object_stored"]
        assert verify_chain(session).intact


def test_failed_transaction_registers_nothing(any_instance: Instance) -> None:
    dataset = _dataset(any_instance)
    with pytest.raises(RuntimeError), any_instance.transaction(SYSTEM) as tx:
        _store_in(any_instance, tx, dataset, CopyKind.TEMP, b"x")
        raise RuntimeError("crash after the write")
    with any_instance.reading() as session:
        assert session.execute(select(func.count()).select_from(StoredCopy)).scalar_one() == 0
        assert verify_chain(session).intact


def test_destroyed_key_makes_every_copy_unreadable(any_instance: Instance) -> None:
    dataset = _dataset(any_instance)
    copies = [_store(any_instance, dataset, CANARY, kind) for kind in CopyKind]
    with any_instance.transaction(SYSTEM) as tx:
        any_instance.vault.destroy_key(tx, dataset)
    for copy in copies:
        with pytest.raises(KeyUnavailableError):
            _read(any_instance, copy)


def test_rotate_key_keeps_data_readable(
    any_instance: Instance, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _dataset(any_instance)
    copy = _store(any_instance, dataset, CANARY)
    signing_key_id = any_instance.signer.key_id
    args = ["vault", "rotate-key", "--json"]
    new_key = None
    if any_instance.settings.kms_key_id:
        new_key = make_client(s3_server, "kms").create_key()["KeyMetadata"]["KeyId"]
        args += ["--kms-key-id", new_key]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    if new_key:
        monkeypatch.setenv("AIRLOCK_KMS_KEY_ID", new_key)
    rotated = Instance(Settings())
    try:
        assert _read(rotated, copy) == CANARY
        assert rotated.master_key.key_id != any_instance.master_key.key_id
        # The signing key (made by `init`) is rewrapped too: checkpoints still get signed.
        with rotated.transaction(SYSTEM) as tx:
            signed = rotated.checkpoint(tx)
        assert signed.key_id == signing_key_id
        assert rotated.verify_audit().intact
    finally:
        rotated.dispose()
    if not any_instance.settings.kms_key_id:
        with pytest.raises(KeyUnavailableError):
            _read(any_instance, copy)  # the retired key no longer unwraps


def _files_under(root: Path) -> Iterator[bytes]:
    for path in root.rglob("*"):
        if path.is_file():
            yield path.read_bytes()


def test_no_plaintext_reaches_storage(
    any_instance: Instance, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    dataset = _dataset(any_instance)
    for kind in CopyKind:
        _store(any_instance, dataset, CANARY * 3000, kind)
    needles = (CANARY, CANARY[:16])
    blobs: list[bytes] = list(_files_under(tmp_path))
    if any_instance.settings.storage == "s3":
        client: Any = request.getfixturevalue("s3_client")
        bucket = any_instance.settings.s3_bucket
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for version in page.get("Versions", []):
                blobs.append(
                    client.get_object(
                        Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"]
                    )["Body"].read()
                )
    assert blobs
    assert not any(needle in blob for blob in blobs for needle in needles)


def test_a_copy_streams_in_bounded_chunks(any_instance: Instance) -> None:
    """`chunks` is what the API and CLI serve a copy with: a copy of any size in pieces of
    at most 1 MiB."""
    dataset = _dataset(any_instance)
    payload = CANARY * (3 * 1024 * 1024 // len(CANARY) + 7)
    copy = _store(any_instance, dataset, payload)
    with any_instance.reading() as session:
        key = any_instance.vault.data_key(session, dataset.id)
    chunks = list(any_instance.vault.chunks(key, dataset.id, copy.id))
    assert b"".join(chunks) == payload
    assert len(chunks) == 4 and max(len(c) for c in chunks) == 1024 * 1024
