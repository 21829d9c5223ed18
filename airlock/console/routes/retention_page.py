"""The retention calendar for compliance officers: what falls due in 7, 30 and 90 days, what
is overdue and why, and the legal holds, placed and released here.

It shows `GET /v1/retention/calendar` (the same service function and checks), and a hold is
placed or released as `POST /v1/datasets/{id}/holds[/release]` does it: the same
permission and dataset checks, the same reason rules (`HoldRequest`), the same functions in
one transaction, so the same audit events."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response

from airlock.api.deps import InstanceDep
from airlock.api.schemas import HoldRequest
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageDatasetAccess, PageRequires
from airlock.instance import Instance
from airlock.permissions import Permission
from airlock.retention_jobs import due_rules
from audit import Actor
from catalog import ConflictError, NotFoundError, utcnow
from retention import RetentionCalendar, place_hold, release_hold, retention_calendar
from retention.holds import HoldReasonError

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Compliance = Annotated[Actor, Depends(PageRequires(Permission.HOLDS_MANAGE))]
_DATASET_ACCESS = PageDatasetAccess(Permission.HOLDS_MANAGE)
_ID_LENGTH = 64

HoldAction = Literal["place", "release"]
Origin = Literal["calendar", "holds", "lookup"]
"""Which of the page's forms was sent: a calendar row's, an open hold's, or the one that
takes any dataset id."""


class HoldForm(BaseModel):
    """A form sent back with what was typed and why it was refused (a message key)."""

    action: HoldAction
    origin: Origin
    dataset_id: str
    reason: str
    error: str


class Window(BaseModel):
    days: int
    after: int
    """The previous window's days (0 for the first): this one holds days after..days."""
    count: int


def _page(request: Request, instance: Instance, actor: Actor, status: int = 200,
          form: HoldForm | None = None, conflict: tuple[HoldAction, str] | None = None,
          done: tuple[HoldAction, str] | None = None) -> Response:
    with instance.reading() as session:
        calendar = retention_calendar(session, utcnow(), due_rules(instance))
    return render(request, "retention_page.html", actor, status=status, calendar=calendar,
                  windows=_windows(calendar), form=form, conflict=conflict, done=done)


def _windows(calendar: RetentionCalendar) -> list[Window]:
    bounds = [0, *calendar.windows]
    return [Window(days=days, after=after,
                   count=sum(entry.window == days for entry in calendar.upcoming))
            for after, days in pairwise(bounds)]


@router.get("/retention")
def retention(request: Request, instance: InstanceDep, actor: Compliance,
              placed: Annotated[str | None, Query(max_length=_ID_LENGTH)] = None,
              released: Annotated[str | None, Query(max_length=_ID_LENGTH)] = None
              ) -> Response:
    done: tuple[HoldAction, str] | None = (("place", placed) if placed
                                           else ("release", released) if released else None)
    return _page(request, instance, actor, done=done)


@router.post("/retention/holds")
def place(request: Request, instance: InstanceDep, actor: Compliance,
          dataset_id: Annotated[str, Form(max_length=_ID_LENGTH)] = "",
          reason: Annotated[str, Form()] = "",
          origin: Annotated[Origin, Form()] = "calendar") -> Response:
    return _hold(request, instance, actor, "place", dataset_id.strip(), reason, origin)


@router.post("/retention/holds/release")
def release(request: Request, instance: InstanceDep, actor: Compliance,
            dataset_id: Annotated[str, Form(max_length=_ID_LENGTH)] = "",
            reason: Annotated[str, Form()] = "",
            origin: Annotated[Origin, Form()] = "holds") -> Response:
    return _hold(request, instance, actor, "release", dataset_id.strip(), reason, origin)


def _hold(request: Request, instance: Instance, actor: Actor, action: HoldAction,
          dataset_id: str, reason: str, origin: Origin) -> Response:
    def refused(error: str, status: int = 422) -> Response:
        form = HoldForm(action=action, origin=origin, dataset_id=dataset_id, reason=reason,
                        error=error)
        return _page(request, instance, actor, status=status, form=form)

    try:
        # The API's dataset check: 404 for an unknown id (compliance reaches every tenant).
        _DATASET_ACCESS(dataset_id, request, instance, actor)
    except NotFoundError:
        if origin != "lookup":
            raise
        return refused("unknown_dataset", status=404)
    try:
        body = HoldRequest(reason=reason)
    except ValidationError as exc:
        return refused(_reason_error(exc, reason))
    try:
        with instance.transaction(actor) as tx:
            (place_hold if action == "place" else release_hold)(tx, dataset_id, body.reason)
    except HoldReasonError:
        return refused("reason_required" if not reason.strip() else "reason_length")
    except ConflictError:
        return _page(request, instance, actor, status=409, conflict=(action, dataset_id))
    key = "placed" if action == "place" else "released"
    return RedirectResponse(f"/retention?{key}={quote(dataset_id, safe='')}", status_code=303)


def _reason_error(exc: ValidationError, reason: str) -> str:
    """The message key for the rule `HoldRequest` found broken."""
    kind = exc.errors()[0]["type"]
    if not reason.strip():
        return "reason_required"
    if kind in ("string_too_short", "string_too_long"):
        return "reason_length"
    return "reason_invalid"
