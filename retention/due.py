"""When a dataset must be purged, and why.

- trained: `trained_at + retention_days` of its contract (stored as `purge_due_at` when
  training completes);
- never trained: its upload + the instance's maximum age for untrained data (a training
  that starts and never completes counts as untrained: nothing is kept forever);
- rejected: once the client had time to read its sealed validation report (the pipeline
  deleted its copies at rejection; the purge destroys the key, verifies and certifies);
- purging: a purge cut short, to be finished.
A dataset under legal hold is never due while the hold is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from catalog import Dataset, DatasetState, PurgeRecord


class Cause(StrEnum):
    RETENTION = "retention"
    UNTRAINED = "untrained"
    REJECTED = "rejected"
    ABANDONED = "abandoned"
    """An upload cut off mid-stream, given up by the pipeline."""
    UPLOAD_FAILED = "upload_failed"
    """An upload that failed (too large, too slow, the client left): purged at once."""


@dataclass(frozen=True)
class DueRules:
    """The instance's settings that date a purge."""

    max_untrained: timedelta
    """Datasets never trained are due this long after their upload."""
    rejected_report: timedelta
    """A rejected dataset's key (and so its sealed report) is kept this long."""


class DueDataset(BaseModel):
    dataset_id: str
    tenant_id: str
    state: DatasetState
    cause: Cause
    due_at: datetime
    held: bool


_UNTRAINED = (DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
              DatasetState.ANONYMISING, DatasetState.READY, DatasetState.TRAINING)


def due_of(session: Session, dataset: Dataset,
           rules: DueRules) -> tuple[Cause, datetime] | None:
    """Why and when `dataset` is due, whatever the date today; None when never (purged). A
    purge under way keeps the cause and date it started with."""
    if dataset.state is DatasetState.PURGED:
        return None
    if (record := session.get(PurgeRecord, dataset.id)) is not None:
        return Cause(record.cause), record.due_at
    if dataset.state is DatasetState.REJECTED:
        return Cause.REJECTED, dataset.state_changed_at + rules.rejected_report
    if dataset.trained_at is not None and dataset.purge_due_at is not None:
        return Cause.RETENTION, dataset.purge_due_at
    return Cause.UNTRAINED, dataset.created_at + rules.max_untrained


def rejected_due(now: datetime, rules: DueRules) -> ColumnElement[bool]:
    """Rejected datasets whose report was kept long enough: due `now` (as SQL)."""
    return and_(Dataset.state == DatasetState.REJECTED,
                Dataset.state_changed_at <= now - rules.rejected_report)


def find_due(session: Session, now: datetime, rules: DueRules) -> list[DueDataset]:
    """Every dataset due at `now`, held ones included (flagged), oldest due first."""
    stmt = select(Dataset).where(or_(
        Dataset.state == DatasetState.PURGING,
        rejected_due(now, rules),
        and_(Dataset.state == DatasetState.TRAINED, Dataset.purge_due_at <= now),
        and_(Dataset.state.in_(_UNTRAINED), Dataset.created_at <= now - rules.max_untrained)))
    found = []
    for dataset in session.execute(stmt).scalars():
        due = due_of(session, dataset, rules)
        if due is None or (due[1] > now and dataset.state is not DatasetState.PURGING):
            continue
        found.append(DueDataset(dataset_id=dataset.id, tenant_id=dataset.tenant_id,
                                state=dataset.state, cause=due[0], due_at=due[1],
                                held=dataset.legal_hold))
    return sorted(found, key=lambda d: (d.due_at, d.dataset_id))

