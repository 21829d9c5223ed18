"""The console's timeline from a dataset's record (and, for compliance, its audit events):
which step is done, running, rejected, failed or held, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from airlock.api.schemas import DatasetOut
from airlock.console.timeline import ActionSummary, audit_href, build
from catalog import DatasetState

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _dataset(state: DatasetState, **fields: Any) -> DatasetOut:
    base: dict[str, Any] = dict(
        id="d1", tenant_id="t1", contract_id="c1", state=state, legal_hold=False,
        created_at=T0, state_changed_at=T0 + timedelta(hours=5), upload_bytes=10,
        upload_sha256="0" * 64, item_count=None, error_count=None, warning_count=None)
    return DatasetOut(**(base | fields))


def _events(*actions: str) -> dict[str, ActionSummary]:
    return {a: ActionSummary(a, 1, T0 + timedelta(hours=i + 1)) for i, a in enumerate(actions)}


S = DatasetState
TRAINED = dict(error_count=0, item_count=3, anonymisation_mode="anonymise",
               training_started_at=T0 + timedelta(days=1), trained_at=T0 + timedelta(days=2),
               purge_due_at=T0 + timedelta(days=32))


@pytest.mark.parametrize(("dataset", "events", "statuses"), [
    (_dataset(S.RECEIVED), None, "done pending pending pending pending pending"),
    (_dataset(S.VALIDATING), None, "done running pending pending pending pending"),
    (_dataset(S.REJECTED, error_count=2), None,
     "done rejected skipped skipped pending pending"),
    (_dataset(S.PURGED, error_count=2), None, "done rejected skipped skipped done done"),
    (_dataset(S.ANONYMISING, error_count=0), None,
     "done done running pending pending pending"),
    (_dataset(S.VALIDATED, error_count=0), _events("dataset.anonymisation_failed"),
     "done done failed pending pending pending"),
    (_dataset(S.TRAINING, **(TRAINED | {"trained_at": None})), None,
     "done done done running pending pending"),
    (_dataset(S.TRAINED, legal_hold=True, **TRAINED), None, "done done done done held pending"),
    (_dataset(S.PURGING, **TRAINED), _events("retention.purge_started",
                                             "retention.purge_failed"),
     "done done done done pending failed"),
    (_dataset(S.PURGING, **TRAINED), _events("retention.purge_failed",
                                             "retention.purge_started"),
     "done done done done pending running"),
    (_dataset(S.PURGED, **TRAINED), None, "done done done done done done"),
])
def test_statuses(dataset: DatasetOut, events: dict[str, ActionSummary] | None,
                  statuses: str) -> None:
    assert " ".join(s.status for s in build(dataset, events)) == statuses


def test_without_audit_access_the_times_are_the_records_and_no_links() -> None:
    ready = _dataset(S.READY, error_count=0, anonymisation_mode="anonymise")
    steps = {s.key: s for s in build(ready, None)}
    assert steps["uploaded"].at == T0
    assert steps["validated"].at is None  # only the audit trail knows it
    assert steps["anonymised"].at == ready.state_changed_at  # it made the dataset ready
    assert all(not s.links for s in steps.values())
    checked = T0 + timedelta(seconds=5)  # or the validation report, for its readers
    assert {s.key: s for s in build(ready, None, checked)}["validated"].at == checked


def test_with_audit_access_the_times_and_links_come_from_the_events() -> None:
    ready = _dataset(S.READY, error_count=0, anonymisation_mode="anonymise")
    events = _events("dataset.uploaded", "dataset.validated", "dataset.anonymised")
    steps = {s.key: s for s in build(ready, events)}
    assert steps["validated"].at == events["dataset.validated"].last
    assert steps["anonymised"].at == events["dataset.anonymised"].last
    assert [link.href for link in steps["validated"].links] == [
        "/audit?dataset=d1&action=dataset.validated"]
    assert steps["training"].links == ()


def test_audit_links_escape_their_values() -> None:
    assert audit_href("d 1", "a&b") == "/audit?dataset=d+1&action=a%26b"
    assert audit_href("d1") == "/audit?dataset=d1"
