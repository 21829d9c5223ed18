"""`contracts list` and `contracts show`: the contracts the token may upload against."""

from __future__ import annotations

import json
from typing import Any

import click

from airlock_client import views
from airlock_client.ids import path_segment
from airlock_client.session import Session, output_options


@click.group()
def contracts() -> None:
    """Read contracts."""


@contracts.command("list")
@click.option("--tenant", help="Tenant id or name (a tenant-bound token sees its own only).")
@output_options
def list_contracts(session: Session, tenant: str | None) -> None:
    """List contracts, every version."""
    body = session.api().get("/v1/contracts", params={"tenant": tenant})
    found: list[dict[str, Any]] = body if isinstance(body, list) else []
    session.output.result(found, lambda: views.table(views.contract_rows(found),
                                                     views.CONTRACT_COLUMNS)
                          if found else "no contracts")


@contracts.command("show")
@click.argument("ref", metavar="REF")
@output_options
def show_contract(session: Session, ref: str) -> None:
    """Show a contract version and its rules (REF: id, name or name@version)."""
    body = session.api().get(f"/v1/contracts/{path_segment(ref)}")
    session.output.result(body, lambda: views.table(views.contract_rows([body]),
                                                    views.CONTRACT_COLUMNS) + "\n"
                          + json.dumps(body.get("rules"), ensure_ascii=False, indent=2))
