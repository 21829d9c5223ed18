"""Drives a parser the way the validator does, and reads back what it reported."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from intake.contract_format import ContractRules, LabelField, LabelRules, LayoutRules
from intake.labels import LabelLimits, LabelParser, LabelRecord, build_parser
from intake.problems import Problems
from vocabulary import Layout

Where = tuple[str, str | None, int | None, str | None, str | None]


def contract(kind: Layout, fields: Sequence[LabelField] = (), **layout: Any) -> ContractRules:
    return ContractRules(name="t", purpose="testing", layout=LayoutRules(kind=kind, **layout),
                         labels=LabelRules(fields=list(fields)))


def run(rules: ContractRules | LabelParser, files: Mapping[str, bytes],
        images: Collection[str] = (), limits: LabelLimits | None = None,
        ) -> tuple[list[LabelRecord], Problems]:
    """Feeds the files the parser wants, in order, then finishes."""
    parser = build_parser(rules, limits) if isinstance(rules, ContractRules) else rules
    problems = Problems()
    for path, data in files.items():
        if parser.wants(path):
            parser.feed(path, data, problems)
    return list(parser.finish(images, problems)), problems


def where(problems: Problems) -> list[Where]:
    """(rule, file, line, json_path, field) of every problem, in order."""
    return [(p.rule, p.file, p.line, p.json_path, p.field) for p in problems.kept]


def rules_of(problems: Problems) -> list[str]:
    return [p.rule for p in problems.kept]


def assert_no_leak(problems: Problems, records: Sequence[LabelRecord],
                   secrets: Sequence[str]) -> None:
    """No secret in any problem, at all, nor in the field names records carry."""
    assert problems.kept, "the hostile input should have caused problems"
    for problem in problems.kept:
        text = problem.model_dump_json() + repr(problem)
        for secret in secrets:
            assert secret not in text, (problem.rule, secret)
    for record in records:
        for secret in secrets:
            assert not any(secret in name for name in record.fields)
