"""Counts of what the anonymisation replaced: per entity type, field and operator."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from anonymize.text import Replacement

PATH_FIELD = "(file name)"


@dataclass
class Tally:
    texts: int = 0
    texts_changed: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_operator: Counter[str] = field(default_factory=Counter)
    by_field: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))

    def add(self, field_name: str, replacements: tuple[Replacement, ...]) -> None:
        self.texts += 1
        self.texts_changed += bool(replacements)
        for r in replacements:
            self.by_type[r.type] += 1
            self.by_operator[r.operator] += 1
            self.by_field[field_name][r.type] += 1
