"""The retention calendar: what is due, what is overdue and why, and the legal holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from airlock.api.deps import InstanceDep, Requires
from airlock.permissions import Permission
from airlock.retention_jobs import due_rules
from audit import Actor
from catalog import utcnow
from retention import RetentionCalendar, retention_calendar
from retention.calendar import MAX_WITHIN_DAYS

router = APIRouter(prefix="/v1/retention", tags=["retention"])
Compliance = Annotated[Actor, Depends(Requires(Permission.HOLDS_MANAGE))]


@router.get("/calendar")
def calendar(instance: InstanceDep, actor: Compliance,
             within_days: Annotated[int, Query(ge=1, le=MAX_WITHIN_DAYS)] = 90,
             limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> RetentionCalendar:
    """Datasets due within `within_days` (soonest first, the first `limit` of them), every
    overdue one with the reason it is not purged yet (held, a failed or unfinished purge,
    or not swept yet), the open legal holds and those released in the last 30 days. The
    console's retention page shows the same."""
    with instance.reading() as session:
        return retention_calendar(session, utcnow(), due_rules(instance), within_days, limit)
