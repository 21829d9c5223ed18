"""Reading the audit trail with filters, in pages, for people and for export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from audit.chain import format_time
from audit.events import Outcome
from catalog import AuditEventRecord


class EventFilter(BaseModel):
    tenant_id: str | None = Field(default=None, max_length=32)
    dataset_id: str | None = Field(default=None, max_length=32)
    action: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=128)
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = Field(default=0, ge=0)
    limit: int | None = Field(default=100, ge=1, le=10_000)


class EventView(BaseModel):
    seq: int
    at: str
    actor: str
    role: str
    tenant_id: str | None
    action: str
    dataset_id: str | None
    object_ids: dict[str, Any]
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, record: AuditEventRecord) -> EventView:
        return cls(seq=record.seq, at=format_time(record.at), actor=record.actor,
                   role=record.role, tenant_id=record.tenant_id, action=record.action,
                   dataset_id=record.dataset_id, object_ids=record.object_ids,
                   outcome=record.outcome, details=record.details,
                   prev_hash=record.prev_hash, hash=record.hash)


def _statement(flt: EventFilter) -> Select[AuditEventRecord]:
    stmt = select(AuditEventRecord).where(AuditEventRecord.seq > flt.after_seq)
    if flt.tenant_id is not None:
        stmt = stmt.where(AuditEventRecord.tenant_id == flt.tenant_id)
    if flt.dataset_id is not None:
        stmt = stmt.where(AuditEventRecord.dataset_id == flt.dataset_id)
    if flt.action is not None:
        stmt = stmt.where(AuditEventRecord.action == flt.action)
    if flt.actor is not None:
        stmt = stmt.where(AuditEventRecord.actor == flt.actor)
    if flt.outcome is not None:
        stmt = stmt.where(AuditEventRecord.outcome == flt.outcome.value)
    if flt.since is not None:
        stmt = stmt.where(AuditEventRecord.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditEventRecord.at < flt.until)
    stmt = stmt.order_by(AuditEventRecord.seq)
    return stmt if flt.limit is None else stmt.limit(flt.limit)


def find_events(session: Session, flt: EventFilter) -> Iterator[EventView]:
    """Events in sequence order, streamed from the database in batches."""
    rows = session.execute(_statement(flt).execution_options(yield_per=500)).scalars()
    for record in rows:
        yield EventView.of(record)
