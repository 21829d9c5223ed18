"""Training under the contract's purpose, on real instances: the purpose check, refusals
committed to the audit trail, completion dates, and audited reads of the anonymised copy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from airlock.instance import Instance
from audit import Actor, verify_chain
from catalog import AuditEventRecord, ConflictError, CopyKind, DatasetState, get_dataset
from retention.training import (
    RefusalReason,
    TrainingRefusedError,
    audited_refusals,
    complete_training,
    normalise_purpose,
    open_for_training,
    purpose_sha256,
    start_training,
)
from tests.anonymize.dataset.copies import anonymised_tar, copy_bytes
from tests.retention import datasets
from tests.retention.datasets import PURPOSE, RETENTION_DAYS

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
PIPELINE = Actor(id="pipeline", role="operator")
ELSEWHERE = "Marketing analytics on shelter visitors"


def events(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action).order_by(AuditEventRecord.seq)).scalars())


def audit_text(instance: Instance) -> str:
    """Every event as it is stored, to search for text that must never be there."""
    with instance.reading() as session:
        rows = session.execute(select(AuditEventRecord)).scalars()
        return json.dumps([[r.actor, r.object_ids, r.details] for r in rows],
                          ensure_ascii=False).casefold()


def start(instance: Instance, dataset_id: str, purpose: str = PURPOSE,
          now: datetime = NOW) -> None:
    with audited_refusals(instance.transactions(PIPELINE)) as tx:
        start_training(tx, dataset_id, purpose, now)


def refused(instance: Instance, dataset_id: str, purpose: str) -> TrainingRefusedError:
    with pytest.raises(TrainingRefusedError) as raised:
        start(instance, dataset_id, purpose)
    return raised.value


def state(instance: Instance, dataset_id: str) -> DatasetState:
    with instance.reading() as session:
        return get_dataset(session, dataset_id).state


@pytest.mark.parametrize(("typed", "normalised"), [
    ("Training a pet classifier", "training a pet classifier"),
    ("  TRAINING a\tpet\n classifier  ", "training a pet classifier"),
    ("Ｔｒａｉｎｉｎｇ　ａ　pet classifier", "training a pet classifier"),  # full-width
    ("训练 宠物 分类器", "训练 宠物 分类器"),
    ("Straße", "strasse"),
])
def test_purposes_are_normalised(typed: str, normalised: str) -> None:
    assert normalise_purpose(typed) == normalised
    assert purpose_sha256(typed) == purpose_sha256(normalised)


@pytest.mark.parametrize("other", ["Training a pet classifier.", "training a pet-classifier",
                                   "training a pet", ""])
def test_other_purposes_do_not_match(other: str) -> None:
    assert purpose_sha256(other) != purpose_sha256("Training a pet classifier")


def test_training_starts_under_the_contract_purpose_after_normalisation(
        instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    start(instance, dataset_id, f"  {PURPOSE.upper()}\n")
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        assert dataset.state is DatasetState.TRAINING
        assert dataset.training_started_at == NOW
        assert dataset.training_purpose_sha256 == purpose_sha256(PURPOSE)
        assert dataset.trained_at is None and dataset.purge_due_at is None
    [started] = events(instance, "training.started")
    assert started.dataset_id == dataset_id and started.role == "operator"
    assert started.object_ids == {"contract_id": dataset.contract_id}
    assert started.details == {"purpose_sha256": purpose_sha256(PURPOSE)}
    assert [e.details["to_state"] for e in events(instance, "dataset.state_changed")][-1] == \
        "training"


def test_another_purpose_is_refused_and_the_refusal_is_committed(instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    error = refused(instance, dataset_id, ELSEWHERE)
    assert error.reason is RefusalReason.PURPOSE_MISMATCH and error.dataset_id == dataset_id
    assert dataset_id in str(error) and "purpose" in str(error)
    assert "pet classifier" not in str(error).casefold()
    assert "shelter" not in str(error).casefold()  # nor the declared one
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        assert dataset.state is DatasetState.READY and dataset.training_started_at is None
        assert dataset.training_purpose_sha256 is None
        assert verify_chain(session).intact
    [refusal] = events(instance, "training.refused")
    assert (refusal.outcome, refusal.dataset_id, refusal.actor) == ("denied", dataset_id,
                                                                    "pipeline")
    assert refusal.details == {"purpose_sha256": purpose_sha256(ELSEWHERE),
                               "reason": "purpose_mismatch"}
    assert events(instance, "training.started") == []
    written = audit_text(instance)
    assert "pet classifier" not in written and "shelter" not in written


def test_only_a_ready_dataset_starts_training(instance: Instance) -> None:
    found = datasets.contract(instance)
    received = datasets.uploaded(instance, found).id
    error = refused(instance, received, PURPOSE)
    assert error.reason is RefusalReason.NOT_READY
    assert f"dataset {received} is received" in str(error)
    ready = datasets.ready(instance, found)
    start(instance, ready)
    again = refused(instance, ready, PURPOSE)
    assert again.reason is RefusalReason.NOT_READY and "is training" in str(again)
    assert state(instance, received) is DatasetState.RECEIVED
    assert [(e.dataset_id, e.details["reason"], e.outcome)
            for e in events(instance, "training.refused")] == [
        (received, "not_ready", "denied"), (ready, "not_ready", "denied")]
    assert len(events(instance, "training.started")) == 1


def test_completion_makes_the_purge_due_after_the_contract_retention(
        instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    start(instance, dataset_id)
    finished = NOW + timedelta(days=2, hours=3)
    with instance.transaction(PIPELINE) as tx:
        complete_training(tx, dataset_id, finished)
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        assert dataset.state is DatasetState.TRAINED and dataset.trained_at == finished
        assert dataset.purge_due_at == finished + timedelta(days=RETENTION_DAYS)
    [completed] = events(instance, "training.completed")
    assert completed.details["retention_days"] == RETENTION_DAYS
    assert datetime.fromisoformat(completed.details["purge_due_at"]) == \
        finished + timedelta(days=RETENTION_DAYS)


def test_only_a_dataset_in_training_completes(instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    with pytest.raises(ConflictError, match=f"dataset {dataset_id} is ready; only a dataset "
                                            "in training"), \
            instance.transaction(PIPELINE) as tx:
        complete_training(tx, dataset_id, NOW)
    assert state(instance, dataset_id) is DatasetState.READY
    assert events(instance, "training.completed") == []


def read(instance: Instance, dataset_id: str, purpose: str = PURPOSE) -> tuple[str, bytes]:
    """The first shard's id (the audit event's) and the joined tar."""
    with audited_refusals(instance.transactions(PIPELINE)) as tx:
        shards = open_for_training(tx, dataset_id, purpose)
        assert all(copy.kind is CopyKind.ANONYMISED for copy in shards)
        assert [copy.shard for copy in shards] == sorted(copy.shard or 0 for copy in shards)
        key = instance.vault.data_key(tx.session, dataset_id)
    data = b"".join(instance.vault.joined_chunks(key, dataset_id, [c.id for c in shards]))
    return shards[0].id, data


def test_the_anonymised_copy_is_read_for_training_and_audited(instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    stored = anonymised_tar(instance, dataset_id)
    copy_id, data = read(instance, dataset_id, PURPOSE.casefold())
    assert data == stored
    assert data != copy_bytes(instance, dataset_id, CopyKind.RAW)[0]
    start(instance, dataset_id)
    assert read(instance, dataset_id)[1] == stored  # in training too
    reads = events(instance, "training.copy_read")
    assert [(e.object_ids, e.details) for e in reads] == [
        ({"copy_id": copy_id}, {"purpose_sha256": purpose_sha256(PURPOSE)})] * 2


def test_reads_for_another_purpose_or_after_training_are_refused(instance: Instance) -> None:
    dataset_id = datasets.ready(instance)
    with pytest.raises(TrainingRefusedError, match="not the one its contract authorises"):
        read(instance, dataset_id, ELSEWHERE)
    start(instance, dataset_id)
    with instance.transaction(PIPELINE) as tx:
        complete_training(tx, dataset_id, NOW + timedelta(days=1))
    with pytest.raises(TrainingRefusedError, match="is trained: its anonymised copy is read"):
        read(instance, dataset_id)
    assert [e.details["reason"] for e in events(instance, "training.refused")] == [
        "purpose_mismatch", "not_ready"]
    assert events(instance, "training.copy_read") == []
