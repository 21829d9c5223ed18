"""The audit explorer (compliance): the events with the API's filters, paged by sequence
number, downloads (CSV, verifiable bundle), the state of the log and a "Verify now" button.

The address holds the filters under the names `GET /v1/audit/events` takes, so links from
other pages (`/audit?dataset=…&action=…`) work and the downloads reuse them as they are."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from airlock.api.deps import InstanceDep
from airlock.api.routes.audit import MAX_SEQ
from airlock.console.i18n import Translator, language_of
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageRequires
from airlock.instance import Instance, event_registry
from airlock.permissions import Permission
from audit import Actor, ChainVerification, EventFilter, EventView, Outcome, find_events
from audit.checkpoints import log_state

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Compliance = Annotated[Actor, Depends(PageRequires(Permission.AUDIT_READ))]
PAGE_SIZE = 50
_TEXT_FIELDS = {"tenant": 32, "dataset": 32, "action": 64, "by": 128}
"""The free filters and their longest values, as the API takes them."""
_LABELS = {"tenant": "tenant", "dataset": "dataset", "action": "action", "by": "actor",
           "outcome": "outcome", "since": "since", "until": "until", "after": "next"}
"""Each parameter's label on the page (`audit_page.<label>`), to name one that is invalid."""


@dataclass
class PageFilters:
    """The filters read from the address; a value that does not parse is dropped and named
    in `invalid` (the page says so) rather than failing the page."""

    text: dict[str, str] = field(default_factory=dict)
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: int = 0
    invalid: list[str] = field(default_factory=list)

    def event_filter(self, limit: int) -> EventFilter:
        return EventFilter(tenant_id=self.text.get("tenant"), dataset_id=self.text.get("dataset"),
                           action=self.text.get("action"), actor=self.text.get("by"),
                           outcome=self.outcome, since=self.since, until=self.until,
                           after_seq=self.after, limit=limit)

    def query(self, after: int | None = None) -> dict[str, str]:
        """The filters as the API's query parameters (times in UTC), `after` if given."""
        out = dict(self.text)
        if self.outcome is not None:
            out["outcome"] = self.outcome.value
        for name, at in (("since", self.since), ("until", self.until)):
            if at is not None:
                out[name] = utc_text(at)
        if after:
            out["after"] = str(after)
        return out


def utc_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _time(value: str) -> datetime:
    """ISO 8601; without an offset it is UTC (the form's fields without scripts)."""
    at = datetime.fromisoformat(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def page_filters(request: Request) -> PageFilters:
    params = request.query_params
    found = PageFilters()
    for name, longest in _TEXT_FIELDS.items():
        value = params.get(name, "").strip()
        if len(value) > longest:
            found.invalid.append(name)
        elif value:
            found.text[name] = value
    outcome = params.get("outcome", "")
    if outcome:
        if outcome in {o.value for o in Outcome}:
            found.outcome = Outcome(outcome)
        else:
            found.invalid.append("outcome")
    for name in ("since", "until"):
        value = params.get(name, "").strip()
        if not value:
            continue
        try:
            setattr(found, name, _time(value[:40]))
        except ValueError:
            found.invalid.append(name)
    after = params.get("after", "")
    if after.isdigit() and int(after) <= MAX_SEQ:
        found.after = int(after)
    elif after:
        found.invalid.append("after")
    return found


Filters = Annotated[PageFilters, Depends(page_filters)]


def details_text(details: dict[str, Any]) -> str:
    """An event's details on one line: `name=value`, objects as compact JSON. Details hold
    ids, counts, types and hashes only (the events' types allow nothing else)."""
    def shown(value: object) -> str:
        return value if isinstance(value, str) else json.dumps(
            value, separators=(",", ":"), ensure_ascii=False)

    return " ".join(f"{name}={shown(value)}" for name, value in details.items())


def age_text(t: Translator, seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return t("audit_page.age_now")
    if minutes < 120:
        return t("audit_page.age_minutes", n=minutes)
    hours = minutes // 60
    return t("audit_page.age_hours", n=hours) if hours < 48 else t("audit_page.age_days",
                                                                    n=hours // 24)


@dataclass(frozen=True)
class Row:
    event: EventView
    at: datetime
    details: str


def _page(request: Request, instance: Instance, actor: Actor, filters: PageFilters,
          verification: ChainVerification | None) -> Response:
    with instance.reading() as session:
        found = list(find_events(session, filters.event_filter(PAGE_SIZE + 1)))
        state = log_state(session)
    rows = [Row(e, datetime.fromisoformat(e.at), details_text(e.details))
            for e in found[:PAGE_SIZE]]
    more = len(found) > PAGE_SIZE
    checkpoint = state.checkpoint
    t = Translator(language_of(request))
    age = (age_text(t, (datetime.now(UTC) - checkpoint.at).total_seconds())
           if checkpoint is not None else None)
    api_query = urlencode(filters.query())
    bundle_query = urlencode({k: v for k, v in filters.query().items()
                              if k in ("dataset", "since")})
    return render(
        request, "audit_page.html", actor, filters=filters, rows=rows,
        actions=event_registry().actions(), outcomes=[o.value for o in Outcome],
        since_value=filters.since and filters.since.strftime("%Y-%m-%dT%H:%M"),
        until_value=filters.until and filters.until.strftime("%Y-%m-%dT%H:%M"),
        next_link=("/audit?" + urlencode(filters.query(after=rows[-1].event.seq))
                   if more and rows else None),
        first_link=("/audit?" + api_query) if filters.after else None,
        csv_link="/v1/audit/events.csv" + (f"?{api_query}" if api_query else ""),
        bundle_link="/v1/audit/bundle" + (f"?{bundle_query}" if bundle_query else ""),
        bundle_partial=any(k not in ("dataset", "since") for k in filters.query()),
        verify_action="/audit/verify" + (f"?{urlencode(filters.query(filters.after))}"
                                         if filters.query(filters.after) else ""),
        state=state, checkpoint=checkpoint, age=age, verification=verification,
        invalid=", ".join(t(f"audit_page.{_LABELS[name]}") for name in filters.invalid))


@router.get("/audit")
def audit_page(request: Request, instance: InstanceDep, actor: Compliance,
               filters: Filters) -> Response:
    return _page(request, instance, actor, filters, None)


@router.post("/audit/verify")
def audit_verify(request: Request, instance: InstanceDep, actor: Compliance,
                 filters: Filters) -> Response:
    """The same verification as `GET /v1/audit/verify` and `airlock audit verify`, audited
    as `audit.verified`; the page again, with its result."""
    return _page(request, instance, actor, filters, instance.verify_audit_as(actor))
