"""The retention sweep on real instances (local vault with a key file, and S3 with KMS on a
loopback server), with the clock injected: what is due is purged, verified and certified;
what is not due, held, or only looked at in a dry run is left exactly as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM, verify_chain
from catalog import (
    AnonymisationReportRecord,
    AuditEventRecord,
    DataKeyRecord,
    DatasetReport,
    DatasetState,
    Item,
    LegalHold,
    PurgeRecord,
    get_dataset,
    live_copies,
)
from retention.certificate_document import DeletionCertificate, signature_valid
from retention.signing import stored_public_key
from retention.sweep import Action
from tests.retention import datasets

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


def state(instance: Instance, dataset_id: str) -> DatasetState:
    with instance.reading() as session:
        return get_dataset(session, dataset_id).state


def objects(instance: Instance, dataset_id: str) -> list[str]:
    return instance.vault.list_objects(dataset_id)


def certificate(instance: Instance, dataset_id: str) -> DeletionCertificate:
    with instance.reading() as session:
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.certificate is not None
        return DeletionCertificate.model_validate_json(record.certificate)


def test_due_today_is_purged_due_tomorrow_is_not(any_instance: Instance) -> None:
    instance = any_instance
    found = datasets.contract(instance, days=30)
    due_today = datasets.trained(instance, found, NOW - timedelta(days=30))
    due_tomorrow = datasets.trained(instance, found, NOW - timedelta(days=29))
    assert objects(instance, due_today) and objects(instance, due_tomorrow)

    report = sweeper(instance, at(NOW)).run()

    assert [(e.dataset_id, e.action) for e in report.entries] == [(due_today, Action.PURGED)]
    assert state(instance, due_today) is DatasetState.PURGED
    assert objects(instance, due_today) == []
    assert state(instance, due_tomorrow) is DatasetState.TRAINED
    assert objects(instance, due_tomorrow)
    with instance.reading() as session:
        key = session.get(DataKeyRecord, due_today)
        assert key is not None and key.wrapped is None and key.destroyed_at is not None
        assert live_copies(session, due_today) == []
        assert session.execute(select(Item).where(Item.dataset_id == due_today)).first() is None
        assert verify_chain(session).intact
    again = sweeper(instance, at(NOW)).run()
    assert again.entries == []  # idempotent: nothing left to do
    tomorrow = sweeper(instance, at(NOW + timedelta(days=1))).run()
    assert [(e.dataset_id, e.action) for e in tomorrow.entries] == \
        [(due_tomorrow, Action.PURGED)]


def test_the_certificate_is_signed_and_says_what_was_deleted(instance: Instance) -> None:
    found = datasets.contract(instance, days=7)
    dataset_id = datasets.trained(instance, found, NOW - timedelta(days=7), days=7)
    with instance.reading() as session:
        kinds = sorted({c.kind.value for c in live_copies(session, dataset_id)})
    sweeper(instance, at(NOW)).run()
    cert = certificate(instance, dataset_id)
    with instance.reading() as session:
        public_key = stored_public_key(session)
        assert public_key is not None
        purged = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "retention.purged",
            AuditEventRecord.dataset_id == dataset_id)).scalar_one()
    assert signature_valid(cert, public_key)
    assert purged.details["certificate_sha256"] == cert.sha256()
    assert cert.subject.dataset_id == dataset_id and cert.subject.contract.version == 1
    assert sorted(c.kind for c in cert.subject.copies) == kinds
    assert cert.sanitisation.cause == "retention"
    assert cert.sanitisation.versions_deleted >= len(kinds)
    assert cert.verification.passed and cert.verification.objects_left == 0
    assert cert.verification.reads_failed == cert.verification.reads_attempted == len(kinds)
    assert cert.timeline.due == NOW and cert.timeline.training_completed == NOW - \
        timedelta(days=7)
    assert cert.audit.first_seq <= cert.audit.last_seq == cert.audit.checkpoint.tree_size
    assert cert.audit.last_seq == purged.seq - 2  # then the checkpoint's own event
    forged = cert.model_copy(update={"subject": cert.subject.model_copy(
        update={"items": 999})})
    assert not signature_valid(forged, public_key)


def test_held_is_not_purged_and_a_dry_run_deletes_nothing(instance: Instance) -> None:
    found = datasets.contract(instance)
    held = datasets.trained(instance, found, NOW - timedelta(days=40))
    free = datasets.trained(instance, found, NOW - timedelta(days=40))
    with instance.transaction(SYSTEM) as tx:
        get_dataset(tx.session, held, for_update=True).legal_hold = True
        tx.session.add(LegalHold(dataset_id=held, reason="litigation", placed_by="test"))
    before = {d: objects(instance, d) for d in (held, free)}

    dry = sweeper(instance, at(NOW)).run(dry_run=True)

    assert {(e.dataset_id, e.action) for e in dry.entries} == {
        (held, Action.HELD), (free, Action.WOULD_PURGE)}
    assert {d: objects(instance, d) for d in (held, free)} == before
    assert state(instance, free) is DatasetState.TRAINED
    report = sweeper(instance, at(NOW)).run()
    assert {(e.dataset_id, e.action) for e in report.entries} == {
        (held, Action.HELD), (free, Action.PURGED)}
    assert objects(instance, held) == before[held]
    assert state(instance, held) is DatasetState.TRAINED


def test_untrained_after_the_maximum_age_and_rejected_at_once(instance: Instance) -> None:
    found = datasets.contract(instance)
    old = datasets.ready(instance, found)
    young = datasets.ready(instance, found)
    datasets.backdate(instance, old, NOW - timedelta(days=180))
    datasets.backdate(instance, young, NOW - timedelta(days=179))
    report = sweeper(instance, at(NOW)).run()
    assert [(e.dataset_id, e.cause, e.action) for e in report.entries] == [
        (old, "untrained", Action.PURGED)]
    assert state(instance, young) is DatasetState.READY


def test_a_second_sweep_waits_for_the_first(instance: Instance) -> None:
    from retention.lock import sweep_lock

    with sweep_lock(instance.engine, at(NOW)) as renew:
        assert renew is not None
        assert sweeper(instance, at(NOW)).run().locked_out
    assert not sweeper(instance, at(NOW)).run().locked_out


@pytest.mark.parametrize("any_instance", ["s3+kms"], indirect=True)
def test_purge_on_s3_leaves_no_version_or_delete_marker(any_instance: Instance) -> None:
    instance = any_instance
    found = datasets.contract(instance)
    dataset_id = datasets.trained(instance, found, NOW - timedelta(days=31))
    client = instance.aws_client("s3", instance.settings.s3_endpoint_url)
    bucket, prefix = instance.settings.s3_bucket, f"tenant-data/datasets/{dataset_id}/"
    with instance.reading() as session:
        raw = next(c for c in live_copies(session, dataset_id) if c.kind.value == "raw")
    client.put_object(Bucket=bucket, Key=f"tenant-data/{raw.locator}", Body=b"old version")
    client.put_object(Bucket=bucket, Key=prefix + "leftover", Body=b"unregistered")
    client.delete_object(Bucket=bucket, Key=prefix + "leftover")  # a delete marker
    sweeper(instance, at(NOW)).run()
    listing = client.list_object_versions(Bucket=bucket, Prefix=prefix)
    assert listing.get("Versions", []) == [] and listing.get("DeleteMarkers", []) == []
    cert = certificate(instance, dataset_id)
    assert cert.sanitisation.leftovers_deleted == 1
    assert cert.sanitisation.versions_deleted >= 5  # every copy, the old version, the marker


def test_copies_in_a_backend_not_configured_here_stop_the_purge(instance: Instance) -> None:
    """As after a change of AIRLOCK_STORAGE: nothing here can delete or verify those copies,
    so no certificate is issued; the purge fails, is audited and is retried."""
    from catalog import CopyKind, StoredCopy

    found = datasets.contract(instance)
    dataset_id = datasets.trained(instance, found, NOW - timedelta(days=40))
    with instance.transaction(SYSTEM) as tx:
        tx.session.add(StoredCopy(dataset_id=dataset_id, kind=CopyKind.EXPORT, backend="s3",
                                  locator=f"datasets/{dataset_id}/elsewhere", size=1,
                                  plaintext_size=1, digest="0" * 64))
    report = sweeper(instance, at(NOW)).run()
    [entry] = report.entries
    assert entry.action is Action.FAILED and "backend(s) s3" in (entry.error or "")
    assert state(instance, dataset_id) is DatasetState.PURGING
    with instance.reading() as session:
        failed = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "retention.purge_failed")).scalar_one()
        assert failed.details["error"] == "backend_not_configured"
    assert sweeper(instance, at(NOW)).run().entries[0].action is Action.FAILED  # retried


def test_no_database_file_keeps_a_purged_row(instance: Instance) -> None:
    """secure_delete zeroes the purged rows in the SQLite file; the TRUNCATE checkpoint after
    the purge empties the write-ahead log, whose frames still held them."""
    if instance.engine.dialect.name != "sqlite":
        pytest.skip("the files of an SQLite database")
    dataset_id = datasets.trained(instance, datasets.contract(instance, days=30),
                                  NOW - timedelta(days=30))
    with instance.reading() as session:
        values = [value for row in session.execute(
            select(Item.sealed_path, Item.sealed_class_name, Item.sealed_label_ref)
            .where(Item.dataset_id == dataset_id)) for value in row if value]
        values += [record.sealed_body for record in (
            session.get(DatasetReport, dataset_id),
            session.get(AnonymisationReportRecord, dataset_id)) if record is not None]
    assert len(values) >= 7
    database = Path(str(instance.engine.url.database))
    assert any(v in database.with_name(database.name + "-wal").read_bytes() for v in values)

    sweeper(instance, at(NOW)).run()

    assert database.with_name(database.name + "-wal").stat().st_size == 0
    for path in database.parent.glob(database.name + "*"):
        data = path.read_bytes()
        assert not any(value in data for value in values), path.name
