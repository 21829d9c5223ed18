"""Errors a caller can cause; adapters map them to 404 / 409 and clear CLI messages."""

from __future__ import annotations

import unicodedata


class CatalogError(Exception):
    """Base of the catalog's user-facing errors."""


class NotFoundError(CatalogError):
    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} '{shown(ident)}' not found")
        self.kind = kind
        self.ident = ident


class NoReportError(NotFoundError):
    """A dataset's report that does not exist yet, or no longer does."""

    def __init__(self, what: str, dataset_id: str, state: str) -> None:
        CatalogError.__init__(self, f"dataset {dataset_id} was purged: its {what} was deleted "
                              "with its data" if state in ("purging", "purged") else
                              f"dataset {dataset_id} has no {what} yet (state: {state})")
        self.kind = what
        self.ident = dataset_id


class AmbiguousReferenceError(ValueError):
    """A name that several tenants use, given without the tenant."""


MAX_SHOWN = 64


def shown(value: str, limit: int = MAX_SHOWN) -> str:
    """A caller's value as echoed in a message: control and format characters (bidi
    overrides among them) replaced, and cut to `limit` characters."""
    clean = "".join("?" if unicodedata.category(c).startswith("C") else c
                    for c in value[:limit])
    return clean if len(value) <= limit else f"{clean}…"


class ConflictError(CatalogError):
    """The request contradicts what is stored (a duplicate name, a revoked token...)."""
