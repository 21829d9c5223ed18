"""Turn errors a user can cause into one line on stderr and exit code 1."""

from __future__ import annotations

from typing import Any

import typer
import typer.core
from pydantic import ValidationError

from airlock.auth import AuthenticationError
from airlock.instance import InstanceError
from catalog import CatalogError, IllegalTransitionError
from catalog.models import LegalHoldError
from vault import VaultError

USER_ERRORS: tuple[type[Exception], ...] = (
    AuthenticationError, CatalogError, IllegalTransitionError, InstanceError, LegalHoldError,
    ValidationError, ValueError, VaultError, OSError,
)


class AirlockGroup(typer.core.TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context is private
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            typer.echo(f"error: {one_line(exc)}", err=True)
            raise typer.Exit(1) from None


def one_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "value"
        return f"invalid {where}: {first.get('msg', 'invalid')}"
    return " ".join(str(exc).split()) or type(exc).__name__
