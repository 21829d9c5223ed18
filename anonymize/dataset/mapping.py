"""The re-identification mapping of a de-identified dataset (PIPL art. 73: "additional
information" kept apart): one JSON line per replaced value or renamed path, written to the
vault in parts so memory stays bounded however many values a dataset holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from anonymize.text import Replacement

PART_RECORDS = 50_000


class MappingSink:
    """Collects mapping records; `write_part` stores each full part (JSON Lines bytes)."""

    def __init__(self, write_part: Callable[[bytes], None], part_records: int = PART_RECORDS
                 ) -> None:
        self._write_part = write_part
        self._part_records = part_records
        self._lines: list[str] = []
        self.records = 0

    def value(self, file: str, where: str, field: str, replacements: tuple[Replacement, ...],
              ) -> None:
        """`file` is the anonymised copy's name; offsets are given in both texts."""
        shift = 0
        for r in replacements:
            start = r.start + shift
            shift += len(r.replacement) - (r.end - r.start)
            self._add({"kind": "value", "file": file, "where": where, "field": field,
                       "type": r.type, "operator": r.operator, "original": r.original,
                       "replacement": r.replacement, "start": r.start, "end": r.end,
                       "anonymised_start": start, "anonymised_end": start + len(r.replacement)})

    def path(self, original: str, anonymised: str) -> None:
        self._add({"kind": "path", "original": original, "anonymised": anonymised})

    def close(self) -> None:
        if self._lines:
            self._flush()

    def _add(self, record: dict[str, Any]) -> None:
        self._lines.append(json.dumps(record, ensure_ascii=False))
        self.records += 1
        if len(self._lines) >= self._part_records:
            self._flush()

    def _flush(self) -> None:
        self._write_part(("\n".join(self._lines) + "\n").encode())
        self._lines = []


class NoMapping(MappingSink):
    """Anonymisation mode: nothing that could re-identify is kept anywhere."""

    def __init__(self) -> None:
        super().__init__(lambda _part: None)

    def _add(self, record: dict[str, Any]) -> None:
        """Dropped."""
