"""The audit trail (compliance: read and verify, never write)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from airlock.api.deps import InstanceDep, Requires
from airlock.permissions import Permission
from audit import Actor, ChainVerification, EventFilter, EventView, Outcome, find_events
from audit.chain import format_time
from catalog import AuditCheckpoint

router = APIRouter(prefix="/v1/audit", tags=["audit"])
Compliance = Annotated[Actor, Depends(Requires(Permission.AUDIT_READ))]
MAX_SEQ = 2**63 - 1  # sequence numbers and tree sizes are signed 64-bit columns
CSV_COLUMNS = ("seq", "at", "actor", "role", "tenant_id", "action", "dataset_id", "outcome",
               "object_ids", "details", "prev_hash", "hash")


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str
    at: str
    key_id: str
    signature: str


@router.get("/events", response_model=list[EventView], responses={
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `format=csv`."}})
def events(
    instance: InstanceDep, actor: Compliance,
    tenant: Annotated[str | None, Query(max_length=32)] = None,
    dataset: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    by: Annotated[str | None, Query(max_length=128, description="Actor id.")] = None,
    outcome: Annotated[Outcome | None, Query(
        description="`success`, `denied` or `failure`.")] = None,
    since: Annotated[AwareDatetime | None, Query(
        description="Events from this time (ISO 8601 with a UTC offset).")] = None,
    until: Annotated[AwareDatetime | None, Query(
        description="Events before this time (ISO 8601 with a UTC offset).")] = None,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ,
                                description="Return events after this seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> list[EventView] | StreamingResponse:
    """Events in sequence order; page with `after` = the last `seq` received."""
    flt = EventFilter(tenant_id=tenant, dataset_id=dataset, action=action, actor=by,
                      outcome=outcome, since=since, until=until, after_seq=after, limit=limit)
    with instance.reading() as session:
        found = list(find_events(session, flt))
    if format == "csv":
        return StreamingResponse(_csv(found), media_type="text/csv",
                                 headers={"Cache-Control": "no-store"})
    return found


def _csv(found: list[EventView]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in found:
        row = event.model_dump()
        writer.writerow([json.dumps(row[c], ensure_ascii=False, sort_keys=True)
                         if isinstance(row[c], dict) else row[c] for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@router.get("/checkpoints")
def checkpoints(
    instance: InstanceDep, actor: Compliance,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Checkpoints of larger trees.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CheckpointOut]:
    """The log's signed checkpoints (RFC 6962 tree size and root, Ed25519 signature over
    the note documented in audit/bundle_verifier.py), oldest first."""
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
