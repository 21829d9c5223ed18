"""Errors a caller can cause; adapters map them to 404 / 409 and clear CLI messages."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of the catalog's user-facing errors."""


class NotFoundError(CatalogError):
    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} '{ident}' not found")
        self.kind = kind
        self.ident = ident


class ConflictError(CatalogError):
    """The request contradicts what is stored (a duplicate name, a revoked token...)."""
