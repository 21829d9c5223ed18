"""Turn errors a user can cause into one line on stderr and exit code 1."""

from __future__ import annotations

from typing import Any

import typer
import typer.core
from pydantic import ValidationError
from typer.exceptions import TyperException


def is_user_error(exc: Exception) -> bool:
    """An error the user can cause (shown as one line), not a bug (shown with its trace).
    The common ones need no import; Airlock's own are imported only when such an error is
    being handled, not at start-up: `airlock image` never loads the catalog or the vault."""
    if isinstance(exc, ValueError | OSError):  # pydantic's ValidationError is a ValueError
        return True
    if isinstance(exc, typer.Exit | typer.Abort | TyperException):
        return False
    from airlock.auth import AuthenticationError
    from airlock.instance import InstanceError
    from catalog import CatalogError, IllegalTransitionError, LegalHoldError
    from vault import VaultError

    return isinstance(exc, AuthenticationError | CatalogError | IllegalTransitionError
                      | InstanceError | LegalHoldError | VaultError)


class AirlockGroup(typer.core.TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context is private
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not is_user_error(exc):
                raise
            typer.echo(f"error: {one_line(exc)}", err=True)
            raise typer.Exit(1) from None


def one_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "value"
        return f"invalid {where}: {first.get('msg', 'invalid')}"
    return " ".join(str(exc).split()) or type(exc).__name__
