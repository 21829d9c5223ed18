"""A purge in two phases (a rejected dataset: its copies at once, its key once its report was
kept long enough) and the writes a killed process leaves: one certificate counts them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airlock.instance import Instance
from airlock.retention_jobs import purger, sweeper
from audit import SYSTEM, change_state
from catalog import (
    DataKeyRecord,
    DatasetState,
    PurgeRecord,
    get_dataset,
    live_copies,
    new_id,
)
from retention import Cause
from retention.certificate_document import DeletionCertificate, render_text
from retention.sweep import Action
from tests.retention import datasets
from vault import LocalBackend


def rejected(instance: Instance) -> str:
    """A dataset marked rejected as validation leaves it: every copy still there."""
    dataset_id = datasets.uploaded(instance, datasets.contract(instance)).id
    with instance.transaction(SYSTEM) as tx:
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        change_state(tx, dataset, DatasetState.VALIDATING)
        change_state(tx, dataset, DatasetState.REJECTED)
    return dataset_id


def record(instance: Instance, dataset_id: str) -> PurgeRecord:
    with instance.reading() as session:
        found = session.get(PurgeRecord, dataset_id)
        assert found is not None
        return found


def test_copies_first_then_the_key_one_certificate_counting_both(instance: Instance) -> None:
    dataset_id = rejected(instance)
    now = datetime.now(UTC)
    grace = timedelta(seconds=instance.settings.rejected_report_seconds)
    purger(instance).purge_copies(dataset_id, Cause.REJECTED, now + grace)
    assert instance.vault.list_objects(dataset_id) == []
    with instance.reading() as session:
        assert live_copies(session, dataset_id) == []
        instance.vault.data_key(session, dataset_id)  # still there: the report opens
    first = record(instance, dataset_id)
    assert first.attempts == 0 and first.versions == 1 and first.certificate is None
    assert sweeper(instance).run().entries == []  # not due before the grace ends

    report = sweeper(instance, lambda: now + grace + timedelta(seconds=1)).run()
    assert [(e.dataset_id, e.cause, e.action) for e in report.entries] == [
        (dataset_id, Cause.REJECTED, Action.PURGED)]
    done = record(instance, dataset_id)
    assert done.certificate is not None
    certificate = DeletionCertificate.model_validate_json(done.certificate)
    assert [(c.kind, c.count) for c in certificate.subject.copies] == [("raw", 1)]
    assert certificate.sanitisation.versions_deleted == 1
    assert certificate.verification.passed and certificate.timeline.due == now + grace
    with instance.reading() as session:
        key = session.get(DataKeyRecord, dataset_id)
        assert key is not None and key.wrapped is None


def test_a_temporary_file_left_by_a_killed_write_is_deleted_and_counted(
        instance: Instance) -> None:
    dataset_id = rejected(instance)
    # Another process's writer, entered and never left: a process killed mid-upload.
    cut_off = LocalBackend(instance.settings.vault_dir).writer(
        f"datasets/{dataset_id}/{new_id()}")
    cut_off.__enter__().write(b"ciphertext so far")
    assert len(instance.vault.list_partial(dataset_id)) == 1
    certificate = purger(instance).purge(dataset_id, Cause.REJECTED, datetime.now(UTC))
    assert instance.vault.list_partial(dataset_id) == []
    assert certificate.sanitisation.leftovers_deleted == 1
    assert certificate.verification.passed and certificate.verification.objects_left == 0
    assert "1 unregistered leftovers (temporary files" in render_text(certificate)

