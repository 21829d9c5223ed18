"""The dataset list as the API serves it, shared with the console: the actor's tenant
confinement, the due window, the rows with their names, and the next page's link."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.requests import Request

from airlock.api.deps import TENANT_BOUND, conceal, tenant_scope
from airlock.api.schemas import DatasetOut
from airlock.instance import Instance
from audit import Actor
from catalog import DatasetState, Role, get_tenant, step_runs_of, utcnow
from catalog.dataset_list import MAX_LIMIT, DatasetFilter, ListedDataset, list_datasets

MAX_DUE_DAYS = 3650


class DatasetListed(DatasetOut):
    """A dataset as the list shows it: with its tenant's and contract's names."""

    tenant_name: str
    contract_name: str | None = None
    contract_version: int | None = None


class DatasetQuery(BaseModel):
    """The list's filters and position, as the API, the console and the CLI take them."""

    model_config = ConfigDict(extra="forbid")
    state: DatasetState | None = None
    tenant: str | None = Field(default=None, max_length=64)
    due_within_days: int | None = Field(default=None, ge=0, le=MAX_DUE_DAYS)
    overdue: bool = False
    after: str | None = None
    """Checked by the catalog: a cursor it did not hand out is a 400, whatever its length."""
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT)

    def due_by(self, now: datetime) -> datetime | None:
        """The latest purge date the due window takes in (overdue ones are always in)."""
        if self.overdue:
            return now
        if self.due_within_days is not None:
            return now + timedelta(days=self.due_within_days)
        return None


class DatasetPageOut(BaseModel):
    items: list[DatasetListed]
    next_cursor: str | None


def listed(session: Session, query: DatasetQuery, tenant_id: str | None, *,
           show_holds: bool, now: datetime | None = None) -> DatasetPageOut:
    """A page for a tenant already confined by the caller (None: every tenant). The hold's
    reason is compliance's business: `show_holds` only for them (and the local CLI)."""
    flt = DatasetFilter(tenant_id=tenant_id, state=query.state,
                        due_by=query.due_by(now or utcnow()))
    page = list_datasets(session, flt, after=query.after, limit=query.limit,
                         with_holds=show_holds)
    running = step_runs_of(session, [row.dataset.id for row in page.rows])
    return DatasetPageOut(items=[_out(row).with_progress(running.get(row.dataset.id))
                                 for row in page.rows], next_cursor=page.next_cursor)


def _out(row: ListedDataset) -> DatasetListed:
    base = DatasetOut.model_validate(row.dataset).with_hold(row.hold)
    return DatasetListed(**base.model_dump(), tenant_name=row.tenant_name,
                         contract_name=row.contract_name,
                         contract_version=row.contract_version)


def confined_tenant(instance: Instance, request: Request, actor: Actor,
                    asked: str | None) -> str | None:
    """The tenant id to list. A tenant-bound actor gets its own whatever it asks; naming
    another tenant is answered like an unknown one (404, audited), as everywhere else. An
    instance-wide actor gets the tenant it names (id or name), or every tenant."""
    scope = tenant_scope(actor)
    if scope is None and actor.role not in TENANT_BOUND:
        if asked is None:
            return None
        with instance.reading() as session:
            return get_tenant(session, asked).id
    if scope is None:  # a tenant-bound role's token always names a tenant; be safe anyway
        raise conceal(instance, request, actor, "tenant", asked or "")
    if asked is not None:
        with instance.reading() as session:
            own = get_tenant(session, scope)
            names = (own.id, own.name)
        if asked not in names:
            raise conceal(instance, request, actor, "tenant", asked)
    return scope


def list_for(instance: Instance, request: Request, actor: Actor,
             query: DatasetQuery) -> DatasetPageOut:
    """What `actor` may see of the list: the API's `GET /v1/datasets` and the console."""
    tenant_id = confined_tenant(instance, request, actor, query.tenant)
    with instance.reading() as session:
        return listed(session, query, tenant_id, show_holds=actor.role == Role.COMPLIANCE)


def next_link(request: Request, cursor: str) -> str:
    """The request's own path and query with `after` moved on to `cursor`."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    return f"{request.url.path}?{urlencode([*params, ('after', cursor)])}"
