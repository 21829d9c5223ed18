"""The retention calendar: what falls due in the coming days, what is overdue and why, and
the legal holds with their reasons. It reads only, and dates every dataset by the sweep's
own rules (`retention.due`), so it shows what the sweep will do.

An overdue dataset is one the sweep would take now: it is held (an open legal hold), its
purge failed (`retention.purge_failed` in the audit log; the dataset stays `purging`, or
a rejected one keeps its state, and the next sweep tries again), its purge was cut short
with no failure recorded (a crash: the next sweep finishes it), or no sweep has run since
it fell due.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from catalog import (
    AuditEventRecord,
    Contract,
    Dataset,
    DatasetState,
    LegalHold,
    PurgeRecord,
    Tenant,
)
from retention.due import Cause, DueDataset, DueRules, find_due, find_upcoming
from retention.events import PurgeFailed

WINDOWS = (7, 30, 90)
"""The windows the calendar groups what is due into, in days."""
MAX_WITHIN_DAYS = 366
RELEASED_WITHIN = timedelta(days=30)
"""Released holds are listed this long after their release."""
_RELEASED_SHOWN = 100
_DAY = timedelta(days=1)
_BATCH = 500
"""Ids per IN list (bound parameters stay under every database's limit)."""

T = TypeVar("T")


class OverdueReason(StrEnum):
    HELD = "held"
    """An open legal hold: the sweep skips the dataset until it is released."""
    PURGE_FAILED = "purge_failed"
    """A purge failed (a backend refused, or verification found something left)."""
    PURGE_UNFINISHED = "purge_unfinished"
    """A purge started and was cut short with no failure recorded: the next sweep ends it."""
    NOT_SWEPT = "not_swept"
    """Nothing stops it: no sweep has run since it fell due."""


class PurgeFailure(BaseModel):
    """The latest `retention.purge_failed` event of the dataset."""

    at: datetime
    step: str = Field(description="delete or verify.")
    error: str = Field(description="What failed, as a name (e.g. backend_not_configured).")
    attempts: int = Field(description="Purge attempts so far.")


class HoldEntry(BaseModel):
    id: str
    dataset_id: str
    tenant_id: str
    tenant_name: str | None
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None


class CalendarEntry(BaseModel):
    dataset_id: str
    tenant_id: str
    tenant_name: str | None
    contract_id: str | None
    contract_name: str | None
    contract_version: int | None
    state: DatasetState
    cause: Cause = Field(description="What dates the purge: retention (trained + the "
                                     "contract's retention_days), untrained (the maximum "
                                     "age), rejected, abandoned, upload_failed or upload_expired.")
    due_at: datetime
    held: bool


class UpcomingEntry(CalendarEntry):
    days_left: int = Field(description="Whole days until it is due (0: within a day).")
    window: int = Field(description="The smallest of the calendar's windows (7, 30, 90 "
                                    "days, or within_days) it falls due in.")


class OverdueEntry(CalendarEntry):
    days_overdue: int = Field(description="Whole days since it fell due (0: within a day).")
    reason: OverdueReason
    hold_reason: str | None = Field(description="The open hold's reason, when held.")
    failure: PurgeFailure | None = Field(description="The latest failed purge, if any.")


class RetentionCalendar(BaseModel):
    at: datetime = Field(description="The time the calendar was read at.")
    within_days: int
    windows: list[int] = Field(description="The windows `upcoming` is grouped into.")
    upcoming: list[UpcomingEntry] = Field(description="Due after `at` and within "
                                                      "`within_days`, soonest first.")
    upcoming_total: int = Field(description="How many are due in that time; `upcoming` "
                                            "holds the first `limit` of them.")
    overdue: list[OverdueEntry] = Field(description="Due at `at` and not purged, longest "
                                                    "overdue first.")
    open_holds: list[HoldEntry] = Field(description="Every open hold, newest first.")
    released_holds: list[HoldEntry] = Field(description="Holds released in the last 30 "
                                                        "days, newest first.")


def retention_calendar(session: Session, now: datetime, rules: DueRules,
                       within_days: int = 90, limit: int = 1000) -> RetentionCalendar:
    """The calendar at `now`: due within `within_days` (at most `limit` listed), overdue,
    and holds."""
    if not 1 <= within_days <= MAX_WITHIN_DAYS:
        raise ValueError(f"within_days must be 1 to {MAX_WITHIN_DAYS}")
    windows = sorted({w for w in WINDOWS if w < within_days} | {within_days})
    upcoming, total = find_upcoming(session, now, now + within_days * _DAY, rules, limit)
    overdue = find_due(session, now, rules)
    open_holds = _holds(session, LegalHold.released_at.is_(None), LegalHold.placed_at)
    released = _holds(session, LegalHold.released_at >= now - RELEASED_WITHIN,
                      LegalHold.released_at, _RELEASED_SHOWN)
    facts = _Facts.read(session, [d.dataset_id for d in (*upcoming, *overdue)])
    return RetentionCalendar(
        at=now, within_days=within_days, windows=windows, upcoming_total=total,
        upcoming=[UpcomingEntry(**facts.entry(due), days_left=(due.due_at - now) // _DAY,
                                window=next(w for w in windows if due.due_at <= now + w * _DAY))
                  for due in upcoming],
        overdue=[_overdue(due, now, facts, open_holds) for due in overdue],
        open_holds=open_holds, released_holds=released)


def _overdue(due: DueDataset, now: datetime, facts: _Facts,
             open_holds: Sequence[HoldEntry]) -> OverdueEntry:
    hold = next((h for h in open_holds if h.dataset_id == due.dataset_id), None)
    failure = facts.failures.get(due.dataset_id)
    reason = (OverdueReason.HELD if due.held
              else OverdueReason.PURGE_FAILED if failure is not None
              else OverdueReason.PURGE_UNFINISHED if due.state is DatasetState.PURGING
              else OverdueReason.NOT_SWEPT)
    return OverdueEntry(**facts.entry(due), days_overdue=(now - due.due_at) // _DAY,
                        reason=reason, hold_reason=hold.reason if hold else None,
                        failure=failure)


class _Facts:
    """What the entries show besides their dates, read for all of them at once: contract
    and tenant names, and the latest failed purge."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str | None, str | None, int | None, str | None]] = {}
        self.failures: dict[str, PurgeFailure] = {}

    @classmethod
    def read(cls, session: Session, dataset_ids: list[str]) -> _Facts:
        facts = cls()
        for ids in _batches(dataset_ids):
            for dataset_id, contract_id, name, version, tenant in session.execute(
                    select(Dataset.id, Dataset.contract_id, Contract.name, Contract.version,
                           Tenant.name)
                    .outerjoin(Contract, Contract.id == Dataset.contract_id)
                    .outerjoin(Tenant, Tenant.id == Dataset.tenant_id)
                    .where(Dataset.id.in_(ids))):
                facts.names[dataset_id] = (contract_id, name, version, tenant)
            attempts = {dataset_id: count for dataset_id, count in session.execute(
                select(PurgeRecord.dataset_id, PurgeRecord.attempts)
                .where(PurgeRecord.dataset_id.in_(ids)))}
            for event in session.execute(
                    select(AuditEventRecord)
                    .where(AuditEventRecord.action == PurgeFailed.action,
                           AuditEventRecord.dataset_id.in_(ids))
                    .order_by(AuditEventRecord.seq)).scalars():
                # In sequence order: the latest failure of each dataset is kept.
                facts.failures[str(event.dataset_id)] = PurgeFailure(
                    at=event.at, step=str(event.details.get("step", "")),
                    error=str(event.details.get("error", "")),
                    attempts=attempts.get(str(event.dataset_id), 0))
        return facts

    def entry(self, due: DueDataset) -> dict[str, object]:
        contract_id, name, version, tenant = self.names.get(due.dataset_id,
                                                            (None, None, None, None))
        return {"dataset_id": due.dataset_id, "tenant_id": due.tenant_id,
                "tenant_name": tenant, "contract_id": contract_id, "contract_name": name,
                "contract_version": version, "state": due.state, "cause": due.cause,
                "due_at": due.due_at, "held": due.held}


def _holds(session: Session, which: ColumnElement[bool],
           newest: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
           limit: int | None = None) -> list[HoldEntry]:
    stmt = (select(LegalHold, Dataset.tenant_id, Tenant.name)
            .join(Dataset, Dataset.id == LegalHold.dataset_id)
            .outerjoin(Tenant, Tenant.id == Dataset.tenant_id)
            .where(which)
            .order_by(newest.desc(), LegalHold.id.desc())
            .limit(limit))
    return [HoldEntry(id=hold.id, dataset_id=hold.dataset_id, tenant_id=tenant_id,
                      tenant_name=tenant_name, reason=hold.reason, placed_by=hold.placed_by,
                      placed_at=hold.placed_at, released_by=hold.released_by,
                      released_at=hold.released_at, release_reason=hold.release_reason)
            for hold, tenant_id, tenant_name in session.execute(stmt)]


def _batches(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _BATCH):
        yield items[start:start + _BATCH]
