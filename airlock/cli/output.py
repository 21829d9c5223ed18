"""Printing results: a table for people, JSON for machines (`--json`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def sized_console() -> Console:
    """A console measured now: rich fixes a console's width when it is made (from COLUMNS),
    so output whose layout depends on the width makes its own when it runs."""
    return Console(highlight=False, soft_wrap=True)


def _plain(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def print_json(value: Any) -> None:
    if isinstance(value, list):
        value = [_plain(v) for v in value]
    typer.echo(json.dumps(_plain(value), ensure_ascii=False, indent=2, default=str))


def print_table(rows: Sequence[BaseModel], columns: Sequence[str],
                title: str | None = None) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        data = row.model_dump(mode="json")
        table.add_row(*("" if data.get(c) is None else str(data.get(c)) for c in columns))
    console.print(table)


def print_record(value: BaseModel, fields: Sequence[str]) -> None:
    """One object as `field  value` lines: readable in any terminal width."""
    data = value.model_dump(mode="json")
    width = max(len(f) for f in fields)
    for name in fields:
        shown = "" if data.get(name) is None else str(data[name])
        console.print(f"{name:<{width}}  {shown}")


def emit(value: BaseModel | Sequence[BaseModel], as_json: bool, columns: Sequence[str],
         title: str | None = None) -> None:
    if as_json:
        print_json(value)
    elif isinstance(value, BaseModel):
        print_table([value], columns, title)
    else:
        print_table(value, columns, title)
