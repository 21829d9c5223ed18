"""Audit events as CSV for spreadsheets, safe to open in one: a cell that begins with a
character a spreadsheet reads as a formula (= + - @, or a tab or carriage return) is
prefixed with an apostrophe, so it stays text (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from audit.query import EventView

CSV_COLUMNS = ("seq", "at", "actor", "role", "tenant_id", "action", "dataset_id", "outcome",
               "object_ids", "details", "prev_hash", "hash")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str | int:
    """One cell: objects as compact JSON, text that could run as a formula prefixed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    text = (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if isinstance(value, dict | list) else str(value))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(events: Iterable[EventView]) -> Iterator[str]:
    """The header, then one line per event, as each is read (nothing held in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        row = event.model_dump()
        writer.writerow([safe_cell(row[column]) for column in CSV_COLUMNS])
    yield buffer.getvalue()
