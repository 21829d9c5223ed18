"""The audit trail (compliance: read and verify, never write)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from starlette.background import BackgroundTask

from airlock.api.deps import InstanceDep, Requires
from airlock.api.problems import Problem
from airlock.audit_bundle import AuditNotIntact, export_audit_zip
from airlock.instance import Instance
from airlock.permissions import Permission
from audit import Actor, ChainVerification, EventFilter, EventView, Outcome, find_events
from audit.chain import format_time
from audit.csv_export import csv_lines
from audit.export import ExportFilter
from catalog import AuditCheckpoint

router = APIRouter(prefix="/v1/audit", tags=["audit"])
Compliance = Annotated[Actor, Depends(Requires(Permission.AUDIT_READ))]
MAX_SEQ = 2**63 - 1  # sequence numbers and tree sizes are signed 64-bit columns
_BATCH = 1000


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str
    at: str
    key_id: str
    signature: str


class EventQuery(BaseModel):
    """The filters of `/v1/audit/events` and `/v1/audit/events.csv` (the console's audit
    page keeps the same names in its address)."""

    tenant: str | None = Field(default=None, max_length=32)
    dataset: str | None = Field(default=None, max_length=32)
    action: str | None = Field(default=None, max_length=64)
    by: str | None = Field(default=None, max_length=128, description="Actor id.")
    outcome: Outcome | None = Field(default=None,
                                    description="`success`, `denied` or `failure`.")
    since: AwareDatetime | None = Field(
        default=None, description="Events from this time (ISO 8601 with a UTC offset).")
    until: AwareDatetime | None = Field(
        default=None, description="Events before this time (ISO 8601 with a UTC offset).")
    after: int = Field(default=0, ge=0, le=MAX_SEQ, description="Events after this seq.")

    def event_filter(self, limit: int | None) -> EventFilter:
        return EventFilter(tenant_id=self.tenant, dataset_id=self.dataset, action=self.action,
                           actor=self.by, outcome=self.outcome, since=self.since,
                           until=self.until, after_seq=self.after, limit=limit)


Filters = Annotated[EventQuery, Query()]


@router.get("/events", response_model=list[EventView], responses={
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `format=csv`."}})
def events(
    instance: InstanceDep, actor: Compliance, filters: Filters,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> list[EventView] | StreamingResponse:
    """Events in sequence order; page with `after` = the last `seq` received."""
    with instance.reading() as session:
        found = list(find_events(session, filters.event_filter(limit)))
    if format == "csv":
        return StreamingResponse(csv_lines(found), media_type="text/csv",
                                 headers={"Cache-Control": "no-store"})
    return found


@router.get("/events.csv", response_class=StreamingResponse, responses={
    200: {"content": {"text/csv": {}}, "description": "Every event the filters select."}})
def events_csv(instance: InstanceDep, actor: Compliance, filters: Filters
               ) -> StreamingResponse:
    """Every event the filters select, as CSV (a download), streamed in sequence order with
    no row limit. A cell that a spreadsheet would read as a formula (beginning with
    `=`, `+`, `-` or `@`) is prefixed with `'`."""
    rows = _all_events(instance, filters.event_filter(_BATCH))
    return StreamingResponse(csv_lines(rows), media_type="text/csv; charset=utf-8", headers={
        "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="airlock-audit-events.csv"'})


def _all_events(instance: Instance, flt: EventFilter) -> Iterator[EventView]:
    """Page by seq, one short read each, so a long download holds no connection open."""
    while True:
        with instance.reading() as session:
            batch = list(find_events(session, flt))
        yield from batch
        if len(batch) < _BATCH:
            return
        flt = flt.model_copy(update={"after_seq": batch[-1].seq})


@router.get("/bundle", response_class=FileResponse, responses={
    200: {"content": {"application/zip": {}},
          "description": "The bundle's folder, `audit-bundle/`, as a zip file."},
    409: {"description": "the log does not verify: no bundle is signed for it"}})
def bundle(
    instance: InstanceDep, actor: Compliance,
    dataset: Annotated[str | None, Query(max_length=32,
                                         description="Only this dataset's events.")] = None,
    since: Annotated[AwareDatetime | None, Query(
        description="Only events from this time (ISO 8601 with a UTC offset).")] = None,
) -> FileResponse:
    """A verifiable bundle (events, signed checkpoints, proofs, public key: what
    `airlock audit export` writes) as a zip download, for `airlock-client audit verify`. The
    log is verified and checkpointed first; audited as `audit.exported`."""
    try:
        archive = export_audit_zip(instance, actor, ExportFilter(since=since,
                                                                 dataset_id=dataset))
    except AuditNotIntact as exc:
        raise Problem(409, str(exc)) from None
    return FileResponse(archive, media_type="application/zip",
                        filename="airlock-audit-bundle.zip",
                        headers={"Cache-Control": "no-store"},
                        background=BackgroundTask(shutil.rmtree, archive.parent, True))


@router.get("/checkpoints")
def checkpoints(
    instance: InstanceDep, actor: Compliance,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Checkpoints of larger trees.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CheckpointOut]:
    """The log's signed checkpoints (RFC 6962 tree size and root, Ed25519 signature over
    the note documented in the light client's airlock_client/bundle_verifier.py), oldest
    first."""
    stmt = (select(AuditCheckpoint).where(AuditCheckpoint.tree_size > after)
            .order_by(AuditCheckpoint.tree_size).limit(limit))
    with instance.reading() as session:
        return [CheckpointOut(tree_size=c.tree_size, root_hash=c.root_hash,
                              at=format_time(c.at), key_id=c.key_id, signature=c.signature)
                for c in session.execute(stmt).scalars()]


@router.get("/verify")
def verify(instance: InstanceDep, actor: Compliance) -> ChainVerification:
    """Recompute the hash chain and the signed checkpoints' Merkle roots, and compare the
    checkpoints with the witness; `intact` is false and `first_bad_seq` set on any
    tampering."""
    return instance.verify_audit_as(actor)
