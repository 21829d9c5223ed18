"""`airlock datasets list`: the dataset list of the API and the console, page by page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from airlock.api.dataset_list import MAX_DUE_DAYS, DatasetListed, DatasetQuery, listed
from airlock.cli.context import open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, sized_console
from airlock.instance import Instance
from catalog import DatasetState, get_tenant
from catalog.dataset_list import MAX_LIMIT

datasets_app = typer.Typer(cls=AirlockGroup, help="List datasets.", no_args_is_help=True)
COLUMNS = ("id", "state", "tenant", "contract", "items", "bytes", "uploaded (UTC)",
           "purge due (UTC)", "hold")


@datasets_app.command("list")
def list_command(
    tenant: Annotated[str | None, typer.Option(help="Tenant id or name.")] = None,
    state: Annotated[DatasetState | None, typer.Option(help="Only datasets in this state.")
                     ] = None,
    due_within: Annotated[int | None, typer.Option(
        "--due-within", min=0, max=MAX_DUE_DAYS, metavar="DAYS",
        help="Only datasets whose purge is due within DAYS days, overdue ones included "
             "(purged ones left out).")] = None,
    overdue: Annotated[bool, typer.Option(
        "--overdue", help="Only datasets whose purge date has passed (purged ones left out)."
    )] = False,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT, help="Datasets per page.")
                     ] = 100,
    after: Annotated[str | None, typer.Option(
        metavar="CURSOR", help="Start after this cursor (the `next` of a previous page).")
    ] = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Follow the cursors to the last page (read page by page, printed as "
                      "they come).")] = False,
    as_json: JsonOption = False,
) -> None:
    """List datasets newest first, `--limit` at a time; the next page's cursor is printed
    after the table (`--after CURSOR`). `--json` prints one JSON document
    `{"items": [...], "next_cursor": "..." or null}`, each item as `GET /v1/datasets`
    gives it; with `--all` it holds every page and `next_cursor` is null."""
    query = DatasetQuery(state=state, due_within_days=due_within, overdue=overdue,
                         after=after, limit=limit)
    with open_instance() as instance:
        tenant_id = _tenant_id(instance, tenant)
        pages = _pages(instance, query, tenant_id, every)
        if as_json:
            _print_json(pages)
        else:
            _print_tables(pages)


def _tenant_id(instance: Instance, tenant: str | None) -> str | None:
    if tenant is None:
        return None
    with instance.reading() as session:
        return get_tenant(session, tenant).id


Page = tuple[list[DatasetListed], str | None]


def _pages(instance: Instance, query: DatasetQuery, tenant_id: str | None,
           every: bool) -> Iterator[Page]:
    """Page after page, each read in its own short transaction (never one long read)."""
    while True:
        with instance.reading() as session:
            # The local command line holds the master key: it sees what compliance sees.
            page = listed(session, query, tenant_id, show_holds=True)
        yield page.items, page.next_cursor
        if not every or page.next_cursor is None:
            return
        query = query.model_copy(update={"after": page.next_cursor})


def _print_json(pages: Iterator[Page]) -> None:
    typer.echo('{"items": [', nl=False)
    first, next_cursor = True, None
    for items, cursor in pages:
        next_cursor = cursor
        for item in items:
            typer.echo(("\n" if first else ",\n") + item.model_dump_json(), nl=False)
            first = False
    typer.echo(f'\n], "next_cursor": {json.dumps(next_cursor)}}}')


WIDE = 120
"""Terminal columns a table needs; narrower terminals get one block of lines per dataset."""


def _print_tables(pages: Iterator[Page]) -> None:
    console = sized_console()
    shown, next_cursor = 0, None
    for items, cursor in pages:
        next_cursor = cursor
        rows = [_cells(d) for d in items]
        if console.width >= WIDE:
            _print_table(console, rows)
        else:
            for n, row in enumerate(rows, start=shown):
                if n:
                    console.print()
                for column, cell in zip(COLUMNS, row, strict=True):
                    console.print(f"{column:<17}{cell}", markup=False)
        shown += len(items)
    if shown == 0:
        console.print("no datasets")
    if next_cursor is not None:
        console.print(f"next page: --after {next_cursor}")


def _cells(d: DatasetListed) -> tuple[str, ...]:
    contract = f"{d.contract_name} v{d.contract_version}" if d.contract_name else ""
    return (d.id, d.state.value, d.tenant_name, contract,
            "" if d.item_count is None else str(d.item_count),
            "" if d.upload_bytes is None else str(d.upload_bytes),
            _day(d.created_at), _day(d.purge_due_at),
            f"held: {d.hold_reason}" if d.legal_hold else "")


def _print_table(console: Console, rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # a hold's reason is text, not markup
    console.print(table)


def _day(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
