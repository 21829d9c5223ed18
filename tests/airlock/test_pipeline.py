"""The dataset pipeline: its state table, `advance` from each state, interruptions recorded
as events, the one actor acting for the uploader, the retry policy and the logging policy."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select

from airlock.instance import Instance
from airlock.pipeline import (
    INTERRUPTED,
    NEXT_STEP,
    PIPELINE_ACTOR,
    LocalExecutor,
    Pipeline,
    Retries,
    Step,
)
from airlock.pipeline.steps import next_step
from airlock.reports import open_report
from audit import Actor, change_state
from catalog import (
    AuditEventRecord,
    Contract,
    DataKeyRecord,
    Dataset,
    DatasetReport,
    DatasetState,
    PurgeRecord,
    create_dataset,
    get_dataset,
    live_copies,
)
from catalog.errors import ConflictError
from intake import UploadTooLargeError, receive_upload
from retention import DeletionCertificate, render_text
from tests.intake.datasets import dataset_files, pack
from tests.retention import datasets
from vocabulary import Layout

T = TypeVar("T")
UPLOADER = Actor(id="token:uploader1", role="client")
CANARY = "Canary-Zhang-San-13800138000"


def upload(instance: Instance, files: dict[str, bytes] | None = None) -> str:
    with instance.reading() as session:
        found = session.scalar(select(Contract)) or datasets.contract(instance)
    return receive_upload(instance.transactions(UPLOADER), instance.vault, found,
                          io.BytesIO(pack(files or dataset_files(Layout.CLASS_FOLDERS), "zip")),
                          10**9).id


def cut_off_in(instance: Instance, dataset_id: str, state: DatasetState) -> None:
    """What a run killed mid-step leaves: the dataset in the step's own state."""
    with instance.transaction(UPLOADER) as tx:
        change_state(tx, get_dataset(tx.session, dataset_id, for_update=True), state)


def events(instance: Instance, dataset_id: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.scalars(select(AuditEventRecord).where(
            AuditEventRecord.dataset_id == dataset_id).order_by(AuditEventRecord.seq)))


def actions(instance: Instance, dataset_id: str) -> list[str]:
    return [e.action for e in events(instance, dataset_id)]


def state(instance: Instance, dataset_id: str) -> DatasetState:
    with instance.reading() as session:
        return get_dataset(session, dataset_id).state


def test_every_state_maps_to_exactly_one_step_or_none() -> None:
    assert set(NEXT_STEP) == set(DatasetState)
    assert all(step is None or isinstance(step, Step) for step in NEXT_STEP.values())
    assert {NEXT_STEP[s] for s in INTERRUPTED} == {Step.VALIDATE, Step.ANONYMISE}
    assert NEXT_STEP[DatasetState.RECEIVED] is Step.VALIDATE
    assert NEXT_STEP[DatasetState.VALIDATED] is Step.ANONYMISE


def test_advance_takes_an_upload_to_ready_as_the_pipeline_for_the_uploader(
        instance: Instance) -> None:
    dataset_id = upload(instance)
    done = Pipeline(instance).advance(dataset_id)
    assert done.validation is not None and done.validation.outcome == "accepted"
    assert done.anonymisation is not None and not done.interrupted
    assert state(instance, dataset_id) is DatasetState.READY
    by_pipeline = [e for e in events(instance, dataset_id) if e.actor == PIPELINE_ACTOR]
    assert {e.action for e in by_pipeline} >= {"dataset.validated", "dataset.anonymised",
                                               "dataset.anonymisation_started"}
    assert all(e.role == "system" and e.details["on_behalf_of"] == UPLOADER.id
               for e in by_pipeline)


def test_an_interrupted_validation_is_recorded_once_then_resumed(instance: Instance) -> None:
    dataset_id = upload(instance)
    cut_off_in(instance, dataset_id, DatasetState.VALIDATING)
    done = Pipeline(instance).advance(dataset_id)
    assert done.interrupted == [Step.VALIDATE]
    assert state(instance, dataset_id) is DatasetState.READY
    recorded = actions(instance, dataset_id)
    assert recorded.count("dataset.validation_interrupted") == 1
    assert recorded.index("dataset.validation_interrupted") < recorded.index("dataset.validated")
    interrupted = next(e for e in events(instance, dataset_id)
                       if e.action == "dataset.validation_interrupted")
    assert interrupted.details == {"step": "validate", "then": "resumed",
                                   "on_behalf_of": UPLOADER.id}


def test_an_interrupted_anonymisation_is_recorded_instead_of_a_second_start(
        instance: Instance) -> None:
    dataset_id = upload(instance)
    pipeline = Pipeline(instance)
    pipeline.advance(dataset_id, only=Step.VALIDATE)
    assert state(instance, dataset_id) is DatasetState.VALIDATED
    cut_off_in(instance, dataset_id, DatasetState.ANONYMISING)
    done = pipeline.advance(dataset_id)
    assert done.interrupted == [Step.ANONYMISE] and done.anonymisation is not None
    recorded = actions(instance, dataset_id)
    assert recorded.count("dataset.anonymisation_interrupted") == 1
    assert "dataset.anonymisation_started" not in recorded  # the cut-off run never recorded it
    assert state(instance, dataset_id) is DatasetState.READY


@pytest.mark.parametrize("resting", [DatasetState.READY, DatasetState.REJECTED])
def test_advance_does_nothing_where_no_step_is_next(instance: Instance,
                                                    resting: DatasetState) -> None:
    files = dataset_files(Layout.CLASS_FOLDERS) if resting is DatasetState.READY else {
        "data/cat/a.jpg": b"not an image"}
    dataset_id = upload(instance, files)
    pipeline = Pipeline(instance)
    pipeline.advance(dataset_id)
    assert state(instance, dataset_id) is resting
    before = actions(instance, dataset_id)
    done = pipeline.advance(dataset_id)
    assert done.state is resting and done.validation is None and done.anonymisation is None
    assert actions(instance, dataset_id) == before
    assert dataset_id not in pipeline.pending()


def test_one_step_runs_only_where_it_is_next(instance: Instance) -> None:
    dataset_id = upload(instance)
    pipeline = Pipeline(instance)
    with pytest.raises(ConflictError):
        pipeline.advance(dataset_id, only=Step.ANONYMISE)
    done = pipeline.advance(dataset_id, only=Step.VALIDATE)
    assert done.validation is not None and done.anonymisation is None
    assert state(instance, dataset_id) is DatasetState.VALIDATED
    with pytest.raises(ConflictError):
        pipeline.advance(dataset_id, only=Step.VALIDATE)


def test_pending_lists_complete_uploads_and_interrupted_steps(instance: Instance) -> None:
    ready = upload(instance)
    Pipeline(instance).advance(ready)
    complete = upload(instance)
    interrupted = upload(instance)
    cut_off_in(instance, interrupted, DatasetState.VALIDATING)
    assert Pipeline(instance).pending() == [complete, interrupted]


def test_retries_wait_twice_as_long_each_time_up_to_an_hour() -> None:
    retries, now = Retries(), datetime(2026, 1, 1, tzinfo=UTC)
    waits = []
    for _ in range(9):
        retries.failed("d", now)
        waits.append(retries.waits["d"][0])
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(hours=1)
    assert not retries.due("d", now + timedelta(minutes=59)) and retries.failing("d")
    assert retries.due("d", now + timedelta(hours=1))
    retries.succeeded("d")
    assert retries.due("d", now) and not retries.failing("d")


class FailingExecutor(LocalExecutor):
    """An executor whose work fails with a message quoting a label value, as a parser's or
    a database driver's message can."""

    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        raise ValueError(f"cannot parse label {CANARY!r} in {step.value}")


def test_a_failure_is_logged_by_type_and_retried_later_never_with_its_message(
        instance: Instance, caplog: pytest.LogCaptureFixture) -> None:
    dataset_id = upload(instance)
    start = datetime.now(UTC)
    now = [start]
    pipeline = Pipeline(instance, executor=FailingExecutor(), clock=lambda: now[0])
    with caplog.at_level(logging.DEBUG):
        first = pipeline.drive(dataset_id)      # fails; the next try after a minute
        now[0] = start + timedelta(seconds=59)
        waiting = pipeline.drive(dataset_id)    # not yet
        now[0] = start + timedelta(seconds=61)
        second = pipeline.drive(dataset_id)     # tried again, fails again
    assert first.failed == second.failed == "ValueError" and waiting.skipped
    assert f"dataset {dataset_id}: validate failed: builtins.ValueError" in caplog.text
    assert f"dataset {dataset_id}: ValueError; tried again in 120 s" in caplog.text
    assert CANARY not in caplog.text
    assert all(CANARY not in str(r.args) and r.exc_info is None for r in caplog.records)


def started_upload(instance: Instance, begun: datetime) -> str:
    """What an upload killed mid-stream leaves: a dataset and its key, no raw copy, no digest
    (receive_upload's first unit of work)."""
    with instance.reading() as session:
        found = session.scalar(select(Contract)) or datasets.contract(instance)
    with instance.transaction(UPLOADER) as tx:
        dataset = create_dataset(tx.session, found.tenant_id, found.id)
        instance.vault.create_key(tx, dataset)
        dataset.created_at = begun
        return dataset.id


def test_an_upload_cut_off_mid_stream_is_abandoned_and_purged_once_stale(
        instance: Instance) -> None:
    stale = started_upload(instance, datetime.now(UTC) - timedelta(
        seconds=instance.settings.upload_abandon_seconds + 5))
    young = started_upload(instance, datetime.now(UTC))
    pipeline = Pipeline(instance)
    assert pipeline.pending() == [stale]  # the young one may still be streaming
    done = pipeline.advance(stale)
    assert done.interrupted == [Step.ABANDON]
    assert state(instance, stale) is DatasetState.PURGED
    assert state(instance, young) is DatasetState.RECEIVED
    assert pipeline.advance(young).state is DatasetState.RECEIVED
    recorded = actions(instance, stale)
    assert recorded.count("dataset.upload_interrupted") == 1
    assert "retention.purged" in recorded
    with instance.reading() as session:
        record = session.get(PurgeRecord, stale)
        assert record is not None and record.cause == "abandoned"
        assert record.certificate is not None
        key = session.get(DataKeyRecord, stale)
        assert key is not None and key.wrapped is None


def test_next_step_waits_for_an_upload_then_validates_or_abandons_it() -> None:
    assert next_step(DatasetState.RECEIVED, uploaded=True, stale=True) is Step.VALIDATE
    assert next_step(DatasetState.RECEIVED, uploaded=False, stale=False) is None
    assert next_step(DatasetState.RECEIVED, uploaded=False, stale=True) is Step.ABANDON
    assert all(next_step(s, True, False) is NEXT_STEP[s]
               for s in DatasetState if s is not DatasetState.REJECTED)


def test_next_step_deletes_a_rejected_datasets_copies_then_purges_it_once_due() -> None:
    rejected = DatasetState.REJECTED
    assert next_step(rejected, True, False, copies=True) is Step.DELETE_COPIES
    assert next_step(rejected, True, False) is None  # its report is still being read
    assert next_step(rejected, True, False, due=True) is Step.PURGE


def certificate_of(instance: Instance, dataset_id: str) -> DeletionCertificate:
    with instance.reading() as session:
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.certificate is not None
        return DeletionCertificate.model_validate_json(record.certificate)


def test_a_rejected_dataset_loses_its_copies_at_once_and_its_key_once_its_report_was_kept(
        instance: Instance) -> None:
    dataset_id = upload(instance, {"data/cat/a.jpg": b"not an image"})
    pipeline = Pipeline(instance)
    done = pipeline.advance(dataset_id)
    assert done.validation is not None and done.validation.outcome == "rejected"
    assert done.state is DatasetState.REJECTED
    assert instance.vault.list_objects(dataset_id) == []
    with instance.reading() as session:
        assert live_copies(session, dataset_id) == []
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.certificate is None and record.cause == "rejected"
        assert open_report(instance.vault, session, DatasetReport, dataset_id) is not None
    assert "retention.copies_deleted" in actions(instance, dataset_id)
    assert dataset_id not in pipeline.pending()

    grace = timedelta(seconds=instance.settings.rejected_report_seconds + 1)
    later = Pipeline(instance, clock=lambda: datetime.now(UTC) + grace)
    assert later.pending() == [dataset_id]
    assert later.advance(dataset_id).state is DatasetState.PURGED
    cert = certificate_of(instance, dataset_id)
    assert cert.sanitisation.cause == "rejected"
    assert [(c.kind, c.count) for c in cert.subject.copies] == [("raw", 1)]
    assert cert.sanitisation.versions_deleted == 1 and cert.verification.passed
    assert cert.performed_by.actor == PIPELINE_ACTOR
    with instance.reading() as session:
        key = session.get(DataKeyRecord, dataset_id)
        assert key is not None and key.wrapped is None


def test_validation_alone_still_deletes_a_rejected_datasets_copies(instance: Instance) -> None:
    """`airlock validate` runs only validation; a rejection's copies go with it anyway."""
    dataset_id = upload(instance, {"data/cat/a.jpg": b"not an image"})
    done = Pipeline(instance).advance(dataset_id, only=Step.VALIDATE)
    assert done.validation is not None and done.validation.outcome == "rejected"
    assert instance.vault.list_objects(dataset_id) == []
    with instance.reading() as session:
        assert live_copies(session, dataset_id) == []
        assert session.get(PurgeRecord, dataset_id) is not None


def test_a_failed_upload_is_purged_at_once_with_a_certificate(instance: Instance) -> None:
    with instance.reading() as session:
        found = session.scalar(select(Contract)) or datasets.contract(instance)
    instance.settings = instance.settings.model_copy(update={"max_upload_bytes": 1000})
    with pytest.raises(UploadTooLargeError):
        Pipeline(instance).receive(UPLOADER, found, io.BytesIO(
            pack(dataset_files(Layout.CLASS_FOLDERS), "zip")))
    with instance.reading() as session:
        dataset_id = session.scalars(select(Dataset.id)).one()
    assert state(instance, dataset_id) is DatasetState.PURGED
    recorded = actions(instance, dataset_id)
    assert recorded.index("dataset.upload_failed") < recorded.index("retention.purged")
    assert "dataset.upload_interrupted" not in recorded
    cert = certificate_of(instance, dataset_id)
    assert cert.sanitisation.cause == "upload_failed" and cert.verification.passed
    assert "Upload        never completed (no digest recorded)" in render_text(cert)
    assert instance.vault.list_objects(dataset_id) == []
    assert instance.vault.list_partial(dataset_id) == []
