"""When a dataset must be purged, and why.

- trained: `trained_at + retention_days` of its contract (stored as `purge_due_at` when
  training completes);
- never trained: its upload + the instance's maximum age for untrained data (a training
  that starts and never completes counts as untrained: nothing is kept forever);
- rejected: at once (validation already shredded its copies; the purge verifies, clears
  the rest and certifies);
- purging: a purge cut short, to be finished.
A dataset under legal hold is never due while the hold is open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from catalog import Dataset, DatasetState, PurgeRecord


class Cause(StrEnum):
    RETENTION = "retention"
    UNTRAINED = "untrained"
    REJECTED = "rejected"
    ABANDONED = "abandoned"
    """An upload cut off mid-stream, given up by the pipeline."""


class DueDataset(BaseModel):
    dataset_id: str
    tenant_id: str
    state: DatasetState
    cause: Cause
    due_at: datetime
    held: bool


_UNTRAINED = (DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
              DatasetState.ANONYMISING, DatasetState.READY, DatasetState.TRAINING)


def due_of(dataset: Dataset, max_untrained: timedelta) -> tuple[Cause, datetime] | None:
    """Why and when `dataset` is due, whatever the date today; None when never (purged)."""
    if dataset.state is DatasetState.PURGED:
        return None
    if dataset.state is DatasetState.REJECTED:
        return Cause.REJECTED, dataset.state_changed_at
    if dataset.trained_at is not None and dataset.purge_due_at is not None:
        return Cause.RETENTION, dataset.purge_due_at
    return Cause.UNTRAINED, dataset.created_at + max_untrained


def find_due(session: Session, now: datetime, max_untrained: timedelta) -> list[DueDataset]:
    """Every dataset due at `now`, held ones included (flagged), oldest due first."""
    stmt = select(Dataset).where(or_(
        Dataset.state.in_((DatasetState.REJECTED, DatasetState.PURGING)),
        and_(Dataset.state == DatasetState.TRAINED, Dataset.purge_due_at <= now),
        and_(Dataset.state.in_(_UNTRAINED), Dataset.created_at <= now - max_untrained)))
    found = []
    for dataset in session.execute(stmt).scalars():
        due = _resumed(session, dataset) or due_of(dataset, max_untrained)
        if due is None or (due[1] > now and dataset.state is not DatasetState.PURGING):
            continue
        found.append(DueDataset(dataset_id=dataset.id, tenant_id=dataset.tenant_id,
                                state=dataset.state, cause=due[0], due_at=due[1],
                                held=dataset.legal_hold))
    return sorted(found, key=lambda d: (d.due_at, d.dataset_id))


def _resumed(session: Session, dataset: Dataset) -> tuple[Cause, datetime] | None:
    """A purge under way keeps the cause and date it started with."""
    if dataset.state is not DatasetState.PURGING:
        return None
    record = session.get(PurgeRecord, dataset.id)
    return (Cause(record.cause), record.due_at) if record is not None else None
