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
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from catalog import Dataset, DatasetState, PurgeRecord


class Cause(StrEnum):
    RETENTION = "retention"
    UNTRAINED = "untrained"
    REJECTED = "rejected"
    ABANDONED = "abandoned"
    """An upload cut off mid-stream, given up by the pipeline."""
    UPLOAD_FAILED = "upload_failed"
    """An upload that failed (too large, too slow, the client left; a multipart upload
    aborted, or whose parts did not have the declared SHA-256): purged at once."""
    UPLOAD_EXPIRED = "upload_expired"
    """A multipart upload not completed before its expiry (AIRLOCK_UPLOAD_EXPIRY_HOURS)."""


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


_BATCH = 500
"""Ids per IN list (bound parameters stay under every database's limit)."""
_UNTRAINED = (DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
              DatasetState.ANONYMISING, DatasetState.READY, DatasetState.TRAINING)


def due_of(session: Session, dataset: Dataset,
           rules: DueRules) -> tuple[Cause, datetime] | None:
    """Why and when `dataset` is due, whatever the date today; None when never (purged). A
    purge under way keeps the cause and date it started with."""
    if dataset.state is DatasetState.PURGED:
        return None
    return due_given(dataset, session.get(PurgeRecord, dataset.id), rules)


def due_given(dataset: Dataset, record: PurgeRecord | None,
              rules: DueRules) -> tuple[Cause, datetime]:
    """`due_of` a dataset not purged, its purge record (None if it has none) read already:
    a list dates many datasets with one query for their records."""
    if record is not None:
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


def _dated(rules: DueRules) -> tuple[tuple[ColumnElement[bool], Any, timedelta], ...]:
    """How each kind of dataset is dated in SQL, as `find_due` selects them: which datasets,
    the column their due date counts from, and how long after it they are due."""
    return ((Dataset.state == DatasetState.TRAINED, Dataset.purge_due_at, timedelta(0)),
            (Dataset.state == DatasetState.REJECTED, Dataset.state_changed_at,
             rules.rejected_report),
            (Dataset.state.in_(_UNTRAINED), Dataset.created_at, rules.max_untrained))


def find_upcoming(session: Session, start: datetime, end: datetime, rules: DueRules,
                  limit: int) -> tuple[list[DueDataset], int]:
    """Datasets not due at `start` that fall due by `end`, soonest first, at most `limit`
    of them; and how many there are in all. (A purge under way is due already.)"""
    total, found = 0, list[Dataset]()
    for which, column, delay in _dated(rules):
        window = and_(which, column > start - delay, column <= end - delay)
        total += session.execute(select(func.count()).select_from(Dataset)
                                 .where(window)).scalar_one()
        found += session.execute(select(Dataset).where(window)
                                 .order_by(column, Dataset.id).limit(limit)).scalars()
    ids = [dataset.id for dataset in found]
    records = {record.dataset_id: record for start_at in range(0, len(ids), _BATCH)
               for record in session.execute(select(PurgeRecord).where(
                   PurgeRecord.dataset_id.in_(ids[start_at:start_at + _BATCH]))).scalars()}
    upcoming = []
    for dataset in found:
        cause, due_at = due_given(dataset, records.get(dataset.id), rules)
        upcoming.append(DueDataset(dataset_id=dataset.id, tenant_id=dataset.tenant_id,
                                   state=dataset.state, cause=cause, due_at=due_at,
                                   held=dataset.legal_hold))
    return sorted(upcoming, key=lambda d: (d.due_at, d.dataset_id))[:limit], total

