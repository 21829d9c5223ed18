"""The audit trail (compliance: read and verify, never write)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from airlock.api.deps import InstanceDep, Requires
from airlock.permissions import Permission
from audit import Actor, ChainVerification, EventFilter, EventView, find_events, verify_chain
from audit.events import AuditVerified

router = APIRouter(prefix="/v1/audit", tags=["audit"])
Compliance = Annotated[Actor, Depends(Requires(Permission.AUDIT_READ))]


@router.get("/events")
def events(
    instance: InstanceDep, actor: Compliance,
    tenant: Annotated[str | None, Query(max_length=32)] = None,
    dataset: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    after: Annotated[int, Query(ge=0, description="Return events after this seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[EventView]:
    """Events in sequence order; page with `after` = the last `seq` received."""
    flt = EventFilter(tenant_id=tenant, dataset_id=dataset, action=action, since=since,
                      after_seq=after, limit=limit)
    with instance.reading() as session:
        return list(find_events(session, flt))


@router.get("/verify")
def verify(instance: InstanceDep, actor: Compliance) -> ChainVerification:
    """Recompute the hash chain; `intact` is false and `first_bad_seq` set on any tampering."""
    with instance.reading() as session:
        result = verify_chain(session)
    with instance.transaction(actor) as tx:
        tx.record(AuditVerified(events_checked=result.events_checked, intact=result.intact,
                                first_bad_seq=result.first_bad_seq))
    return result
