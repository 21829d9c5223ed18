"""The dataset list: newest first, paged by opaque cursors, over all tenants or one.

A page is a keyset read: `(created_at, id) < cursor`, ordered by `created_at desc, id desc`,
on `ix_datasets_created_at_id` (all tenants) or `ix_datasets_tenant_id_created_at_id` (one).
Its cost does not grow with the page number, and datasets that arrive while someone pages
land before the first page, never shifting the pages after it. The API, the command line
and the console all read the list here.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from catalog.lifecycle import DatasetState
from catalog.models import Contract, Dataset, Tenant
from catalog.retention_records import LegalHold

MAX_LIMIT = 1000
MAX_CURSOR = 96
"""Characters of an encoded cursor: 26 of time, 1 separator, at most 32 of id, in base64."""

_CURSOR = re.compile(r"(?P<at>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6})Z"
                     r"\|(?P<id>[0-9A-Za-z_-]{1,32})")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class BadCursorError(ValueError):
    """A cursor this list did not hand out (or one altered since)."""

    def __init__(self) -> None:
        super().__init__("the cursor is invalid: pass `after` exactly as the previous page's "
                         "next link gave it")


@dataclass(frozen=True)
class Cursor:
    """The position after the last dataset of a page."""

    created_at: datetime
    dataset_id: str

    def encode(self) -> str:
        at = self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        raw = f"{at}|{self.dataset_id}".encode("ascii")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Strict: only what `encode` writes is accepted, byte for byte."""
        if not 0 < len(text) <= MAX_CURSOR or not _BASE64URL.fullmatch(text):
            raise BadCursorError
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError):
            raise BadCursorError from None
        found = _CURSOR.fullmatch(raw)
        if found is None:
            raise BadCursorError
        try:
            at = datetime.strptime(found["at"], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
        except ValueError:
            raise BadCursorError from None
        cursor = cls(at, found["id"])
        if cursor.encode() != text:  # another spelling of the same bytes
            raise BadCursorError
        return cursor


@dataclass(frozen=True)
class DatasetFilter:
    """What to list. `tenant_id` is the tenant already resolved and confined by the caller."""

    tenant_id: str | None = None
    state: DatasetState | None = None
    due_by: datetime | None = None
    """Only datasets whose `purge_due_at` is at or before this time (overdue ones included)
    and that are not purged yet."""


@dataclass(frozen=True)
class ListedDataset:
    dataset: Dataset
    tenant_name: str
    contract_name: str | None
    contract_version: int | None
    hold: LegalHold | None
    """The open legal hold; only looked up when the caller asked for holds."""


@dataclass(frozen=True)
class DatasetPage:
    rows: list[ListedDataset]
    next_cursor: str | None
    """None on the last page."""


def page_statement(flt: DatasetFilter, after: Cursor | None, limit: int) -> Select[Dataset]:
    """One table, no join: the index both filters and orders, so a page reads `limit` + 1
    index entries whatever its depth."""
    stmt = select(Dataset)
    if flt.tenant_id is not None:
        stmt = stmt.where(Dataset.tenant_id == flt.tenant_id)
    if flt.state is not None:
        stmt = stmt.where(Dataset.state == flt.state)
    if flt.due_by is not None:
        stmt = stmt.where(Dataset.purge_due_at <= flt.due_by,
                          Dataset.state != DatasetState.PURGED)
    if after is not None:
        stmt = stmt.where(tuple_(Dataset.created_at, Dataset.id)
                          < tuple_(after.created_at, after.dataset_id))
    return stmt.order_by(Dataset.created_at.desc(), Dataset.id.desc()).limit(limit + 1)


def list_datasets(session: Session, flt: DatasetFilter, *, after: str | None = None,
                  limit: int = 100, with_holds: bool = False) -> DatasetPage:
    """A page of datasets, newest first, and the cursor of the next page. `after` is the
    cursor a previous page returned (BadCursorError, a ValueError, when it is not one)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    position = Cursor.decode(after) if after is not None else None
    found = list(session.execute(page_statement(flt, position, limit)).scalars())
    more = len(found) > limit
    found = found[:limit]
    tenants = _tenant_names(session, {d.tenant_id for d in found})
    contracts = _contracts(session, {d.contract_id for d in found if d.contract_id})
    holds = open_holds_of(session, [d.id for d in found]) if with_holds else {}
    rows = []
    for d in found:
        contract = contracts.get(d.contract_id or "")
        rows.append(ListedDataset(d, tenants.get(d.tenant_id, d.tenant_id),
                                  contract[0] if contract else None,
                                  contract[1] if contract else None, holds.get(d.id)))
    last = found[-1] if found else None
    next_cursor = Cursor(last.created_at, last.id).encode() if more and last else None
    return DatasetPage(rows, next_cursor)


def _tenant_names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    stmt = select(Tenant.id, Tenant.name).where(Tenant.id.in_(ids))
    return {ident: name for ident, name in session.execute(stmt)}


def _contracts(session: Session, ids: set[str]) -> dict[str, tuple[str, int]]:
    if not ids:
        return {}
    stmt = select(Contract.id, Contract.name, Contract.version).where(Contract.id.in_(ids))
    return {ident: (name, version) for ident, name, version in session.execute(stmt)}


def open_holds_of(session: Session, dataset_ids: Sequence[str]) -> dict[str, LegalHold]:
    """The open legal hold of each dataset that has one (at most one is open at a time)."""
    if not dataset_ids:
        return {}
    stmt = select(LegalHold).where(LegalHold.dataset_id.in_(dataset_ids),
                                   LegalHold.released_at.is_(None))
    return {hold.dataset_id: hold for hold in session.execute(stmt).scalars()}
