"""A dataset's lifecycle as the console's timeline: uploaded → validated → anonymised →
training → due → purged, each step with its times and, for a reader of the audit trail,
the audit events that record it.

Without audit access, the times come from the dataset's row only (what `GET
/v1/datasets/{id}` shows); with it, from the dataset's audit events as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from airlock.api.schemas import DatasetOut
from catalog import AuditEventRecord, DatasetState

_S = DatasetState


class Status(StrEnum):
    DONE = "done"
    RUNNING = "running"
    PENDING = "pending"
    REJECTED = "rejected"
    FAILED = "failed"
    HELD = "held"
    SKIPPED = "skipped"


# The audit actions that record each step, in the order they happen.
STEP_ACTIONS: dict[str, tuple[str, ...]] = {
    "uploaded": ("dataset.uploaded",),
    "validated": ("dataset.validated", "dataset.rejected", "dataset.validation_interrupted"),
    "anonymised": ("dataset.anonymisation_started", "dataset.anonymised",
                   "dataset.anonymisation_failed", "dataset.anonymisation_interrupted"),
    "training": ("training.started", "training.completed", "training.copy_read",
                 "training.refused"),
    "due": ("retention.hold_placed", "retention.hold_released"),
    "purged": ("retention.purge_started", "retention.copies_deleted",
               "retention.purge_failed", "retention.purged"),
}
ALL_ACTIONS = tuple(a for actions in STEP_ACTIONS.values() for a in actions)
STATE_CHANGED = "dataset.state_changed"


@dataclass(frozen=True)
class ActionSummary:
    """How many events of one action the dataset has, and when the last was."""

    action: str
    count: int
    last: datetime


@dataclass(frozen=True)
class AuditLink:
    action: str
    count: int
    href: str


@dataclass(frozen=True)
class Step:
    key: str
    status: Status
    at: datetime | None = None
    completed_at: datetime | None = None
    """Training only: when it completed."""
    links: tuple[AuditLink, ...] = field(default_factory=tuple)


def audit_href(dataset_id: str, action: str | None = None) -> str:
    """The audit explorer filtered to the dataset (and the action)."""
    query = {"dataset": dataset_id} | ({"action": action} if action else {})
    return f"/audit?{urlencode(query)}"


def action_summaries(session: Session, dataset_id: str) -> dict[str, ActionSummary]:
    """The dataset's lifecycle events by action: one grouped query on the indexed
    dataset column. Only for an actor who may read the audit trail."""
    stmt = (select(AuditEventRecord.action, func.count(), func.max(AuditEventRecord.at))
            .where(AuditEventRecord.dataset_id == dataset_id,
                   AuditEventRecord.action.in_((*ALL_ACTIONS, STATE_CHANGED)))
            .group_by(AuditEventRecord.action))
    return {action: ActionSummary(action, count, last)
            for action, count, last in session.execute(stmt)}


def _validated(d: DatasetOut) -> Status:
    if d.error_count is not None:
        return Status.REJECTED if d.error_count else Status.DONE
    if d.state is _S.VALIDATING:
        return Status.RUNNING
    return Status.SKIPPED if d.state in (_S.PURGING, _S.PURGED) else Status.PENDING


def _anonymised(d: DatasetOut, events: dict[str, ActionSummary]) -> Status:
    if d.anonymisation_mode is not None:
        return Status.DONE
    if d.state is _S.ANONYMISING:
        return Status.RUNNING
    if "dataset.anonymisation_failed" in events:
        return Status.FAILED
    return Status.SKIPPED if d.state in (_S.REJECTED, _S.PURGING, _S.PURGED) else Status.PENDING


def _training(d: DatasetOut) -> Status:
    if d.trained_at is not None:
        return Status.DONE
    if d.training_started_at is not None:
        return Status.RUNNING if d.state is _S.TRAINING else Status.SKIPPED
    return Status.SKIPPED if d.state in (_S.REJECTED, _S.PURGING, _S.PURGED) else Status.PENDING


def _due(d: DatasetOut) -> Status:
    if d.state is _S.PURGED:
        return Status.DONE
    if d.legal_hold:
        return Status.HELD
    return Status.PENDING


def _purged(d: DatasetOut, events: dict[str, ActionSummary]) -> Status:
    if d.state is _S.PURGED:
        return Status.DONE
    if d.state is _S.PURGING:
        failed = events.get("retention.purge_failed")
        started = events.get("retention.purge_started")
        if failed is not None and (started is None or failed.last >= started.last):
            return Status.FAILED
        return Status.RUNNING
    return Status.PENDING


def _time(d: DatasetOut, entered: frozenset[DatasetState], *actions: str,
          events: dict[str, ActionSummary]) -> datetime | None:
    """The step's time: from its audit event when known, else the time the dataset entered
    its current state when this step is what put it there (`entered`)."""
    for action in actions:
        if action in events:
            return events[action].last
    return d.state_changed_at if d.state in entered else None


def build(d: DatasetOut, events: dict[str, ActionSummary] | None,
          checked_at: datetime | None = None) -> list[Step]:
    """The steps; `events` None for an actor without audit access (no links, row times);
    `checked_at`: when the validation report says validation ran, for those who read it."""
    known = events or {}
    steps = [
        Step("uploaded", Status.DONE, d.created_at),
        Step("validated", _validated(d), _time(
            d, frozenset({_S.VALIDATING, _S.REJECTED, _S.VALIDATED}), "dataset.rejected",
            "dataset.validated", events=known) or checked_at),
        Step("anonymised", _anonymised(d, known), _time(
            d, frozenset({_S.ANONYMISING, _S.READY}), "dataset.anonymised", events=known)),
        Step("training", _training(d), d.training_started_at, d.trained_at),
        Step("due", _due(d), d.purge_due_at),
        Step("purged", _purged(d, known), _time(
            d, frozenset({_S.PURGING, _S.PURGED}), "retention.purged", events=known)),
    ]
    if events is None:
        return steps
    return [Step(s.key, s.status, s.at, s.completed_at, tuple(
        AuditLink(a, events[a].count, audit_href(d.id, a))
        for a in STEP_ACTIONS[s.key] if a in events)) for s in steps]
