"""The contract's label fields, as each parser checks them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from intake.contract_format import LabelRules
from intake.labels.text import is_formula
from intake.problems import Problems

# Same shape as the contract's field names. A name read from an upload (a CSV header, a JSON
# key) is only reported when it looks like one, so a header cannot smuggle a value into a
# problem.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


def reportable(name: str) -> str | None:
    return name if _FIELD_NAME.match(name) else None


def present(value: object) -> bool:
    """Filled in: not missing, null, blank or an empty container."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return value is not None


class FieldRules:
    def __init__(self, rules: LabelRules) -> None:
        self.names = frozenset(f.name for f in rules.fields)
        self.required = tuple(f.name for f in rules.fields if f.required)

    def filled(self, values: Iterable[tuple[str, object]]) -> frozenset[str]:
        return frozenset(k for k, v in values if k in self.names and present(v))

    def check_required(self, filled: frozenset[str], problems: Problems, *, file: str,
                       line: int | None = None, json_path: str | None = None) -> None:
        for name in self.required:
            if name not in filled:
                problems.error("label.missing_field", "a required label field is missing or "
                               "empty", file=file, line=line, json_path=json_path, field=name)


def check_formulas(values: Iterable[tuple[str, object]], problems: Problems, *, file: str,
                   line: int | None = None, json_path: str | None = None) -> None:
    """One error per top-level field holding a formula-like string, at any depth inside it."""
    for key, value in values:
        if any(is_formula(s) for s in _strings(value)):
            problems.error("label.formula_injection", "a value starts like a spreadsheet "
                           "formula (=, +, -, @, tab, CR)", file=file, line=line,
                           json_path=json_path, field=reportable(key))


def _strings(value: object) -> Iterable[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
