"""The datasets page: the API's list (`GET /v1/datasets`) as a table, with its filters and
cursor paging. Rows come from the same function with the same tenant confinement."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from airlock.api.dataset_list import DatasetListed, DatasetQuery, list_for, next_link
from airlock.api.deps import TENANT_BOUND, InstanceDep, tenant_scope
from airlock.console.i18n import Translator, language_of
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageRequires
from airlock.permissions import Permission
from audit import Actor
from catalog import DatasetState, Role, list_tenants, utcnow
from catalog.dataset_list import MAX_LIMIT

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[Actor, Depends(PageRequires(Permission.DATASETS_READ))]
PAGE_SIZE = 50
DUE_WINDOWS = ("7", "30", "90")
Due = Literal["", "7", "30", "90", "overdue"]
_DAY = 86400.0


@dataclass(frozen=True)
class Row:
    """One dataset as the table shows it."""

    d: DatasetListed
    size: str
    days_left: str
    overdue: bool


def size_text(n: int | None) -> str:
    """Bytes in SI units, as people read file sizes (34.6 kB)."""
    if n is None:
        return "\u2014"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def days_left_text(t: Translator, d: DatasetListed, now: datetime) -> str:
    """Days to the purge date: whole days left (rounded up), or days overdue."""
    if d.purge_due_at is None or d.state in (DatasetState.PURGED, DatasetState.PURGING):
        return ""
    left = (d.purge_due_at - now).total_seconds() / _DAY
    if left > 0:
        days = math.ceil(left)
        return t("datasets_list.day_left") if days == 1 else t("datasets_list.days_left",
                                                               days=days)
    late = math.floor(-left)
    if late == 0:
        return t("datasets_list.overdue_today")
    return t("datasets_list.overdue_day") if late == 1 else t("datasets_list.overdue_days",
                                                              days=late)


def _overdue(d: DatasetListed, now: datetime) -> bool:
    return (d.purge_due_at is not None and d.purge_due_at <= now
            and d.state not in (DatasetState.PURGED, DatasetState.PURGING))


def _query(state: str, tenant: str, due: Due, after: str | None, limit: int) -> DatasetQuery:
    return DatasetQuery(state=DatasetState(state) if state else None, tenant=tenant or None,
                        due_within_days=int(due) if due in DUE_WINDOWS else None,
                        overdue=due == "overdue", after=after or None, limit=limit)


@router.get("/datasets")
def datasets_list(request: Request, instance: InstanceDep, actor: Reader,
                  state: Annotated[str, Query(max_length=32)] = "",
                  tenant: Annotated[str, Query(max_length=64)] = "",
                  due: Due = "",
                  after: Annotated[str | None, Query(max_length=200)] = None,
                  limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = PAGE_SIZE) -> Response:
    query = _query(state, tenant, due, after, limit)
    page = list_for(instance, request, actor, query)
    t = Translator(language_of(request))
    now = utcnow()
    rows = [Row(d, size_text(d.upload_bytes), days_left_text(t, d, now), _overdue(d, now))
            for d in page.items]
    instance_wide = tenant_scope(actor) is None and actor.role not in TENANT_BOUND
    tenants = []
    if instance_wide:
        with instance.reading() as session:
            tenants = [(x.id, x.name) for x in list_tenants(session)]
    filters = [(k, v) for k, v in (("state", state), ("tenant", tenant), ("due", due))
               if v]
    if "limit" in request.query_params:
        filters.append(("limit", str(limit)))
    return render(
        request, "datasets_list.html", actor, rows=rows, states=list(DatasetState),
        tenants=tenants, due_windows=DUE_WINDOWS, chosen={"state": state, "tenant": tenant,
                                                          "due": due},
        limit=limit if "limit" in request.query_params else None,
        show_hold=actor.role == Role.COMPLIANCE, show_tenant_filter=instance_wide,
        next_url=next_link(request, page.next_cursor) if page.next_cursor else None,
        first_url=("/datasets" + (f"?{urlencode(filters)}" if filters else "")) if after
        else None)
