from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

import intake.labels
from intake.contract_format import ContractRules
from intake.labels import (
    LABEL_RULES,
    LabelLimits,
    LabelParser,
    LabelRecord,
    ParserFactory,
    build_parser,
    default_parsers,
)
from intake.problems import Problems
from vocabulary import Layout

from .harness import contract

LAYOUT_ARGS: dict[Layout, dict[str, str]] = {Layout.CSV_MANIFEST: {"manifest": "m.csv"},
               Layout.JSONL_MANIFEST: {"manifest": "m.jsonl"},
               Layout.COCO: {"annotations": "c.json"}}


@pytest.mark.parametrize("kind", list(Layout))
def test_every_layout_has_a_parser_named_after_it(kind: Layout) -> None:
    rules = contract(kind, (), **LAYOUT_ARGS.get(kind, {}))
    parser = build_parser(rules)
    assert parser.name == kind.value
    assert parser.encodings == Counter()
    assert build_parser(rules) is not parser  # parsers hold state: one per upload


def test_default_table_is_explicit_and_complete() -> None:
    assert set(default_parsers()) == set(Layout)


class _Fixed:
    name = "fixed"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        self.limits = limits
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return True

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        """Reads nothing."""

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        yield LabelRecord("a.jpg", ("x",), "f")


def test_a_table_passed_in_is_used() -> None:
    table: dict[Layout, ParserFactory] = {Layout.YOLO: _Fixed}
    limits = LabelLimits(max_json_depth=3)
    parser = build_parser(contract(Layout.YOLO), limits, table)
    assert isinstance(parser, _Fixed)
    assert parser.limits is limits
    with pytest.raises(ValueError, match="no label parser for layout voc"):
        build_parser(contract(Layout.VOC), parsers=table)


def test_protocol_is_structural() -> None:
    parser: LabelParser = _Fixed(contract(Layout.YOLO), LabelLimits())
    assert [r.image for r in parser.finish((), Problems())] == ["a.jpg"]


def test_rule_table_matches_the_code() -> None:
    """Every `label.*` id written in the parsers is in LABEL_RULES, and nothing more."""
    source = Path(intake.labels.__file__).parent
    used = {m for p in source.glob("*.py") if p.name != "rules.py"
            for m in re.findall(r'"(label\.[a-z0-9_]+)"', p.read_text())}
    assert used == LABEL_RULES
