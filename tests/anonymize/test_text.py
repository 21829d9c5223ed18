"""Resolving overlapping detections, and rewriting with exact original offsets."""

from __future__ import annotations

import pytest

from anonymize.engine import Detection, PiiEngine
from anonymize.operators import anonymizer_engine
from anonymize.policy import PolicyError, build_policy
from anonymize.text import TextRewriter, resolve_spans

D = Detection


@pytest.mark.parametrize(("text", "found", "expected"), [
    ("abcdefgh", [], []),
    ("abcdefgh", [D("A", 0, 8, 0.5), D("B", 2, 4, 0.9)], [D("A", 0, 8, 0.5)]),  # nested
    # partial overlap: the union, typed as the longer span
    ("abcdefgh", [D("A", 0, 3, 0.9), D("B", 2, 8, 0.4)], [D("B", 0, 8, 0.9)]),
    ("abcdefgh", [D("A", 0, 5, 0.9), D("B", 4, 6, 0.4)], [D("A", 0, 6, 0.9)]),
    # same type across spaces becomes one; across other text it does not
    ("John  Smith", [D("P", 0, 4, 0.8), D("P", 6, 11, 0.6)], [D("P", 0, 11, 0.8)]),
    ("John, Smith", [D("P", 0, 4, 0.8), D("P", 6, 11, 0.6)],
     [D("P", 0, 4, 0.8), D("P", 6, 11, 0.6)]),
    ("ab cd", [D("P", 0, 2, 0.8), D("Q", 3, 5, 0.6)], [D("P", 0, 2, 0.8), D("Q", 3, 5, 0.6)]),
    ("abcd", [D("P", 0, 2, 0.8), D("P", 2, 4, 0.6)], [D("P", 0, 2, 0.8), D("P", 2, 4, 0.6)]),
    ("abcd", [D("P", 2, 2, 0.8)], []),  # empty spans are dropped
])
def test_resolve_spans(text: str, found: list[Detection], expected: list[Detection]) -> None:
    assert resolve_spans(text, found) == expected


def test_rewrite_reports_original_offsets(pii_engine: PiiEngine) -> None:
    rewriter = TextRewriter(pii_engine, anonymizer_engine(), build_policy({}, b"k" * 32))
    text = "张三的手机是13812345678，李四在场"
    [done] = rewriter.rewrite([text])
    assert done.text == "张某的手机是138****5678，李某在场"
    for r in done.replacements:
        assert text[r.start:r.end] == r.original
    assert [(r.type, r.operator, r.replacement) for r in done.replacements] == [
        ("PERSON", "surname", "张某"), ("CN_PHONE", "mask", "138****5678"),
        ("PERSON", "surname", "李某")]


def test_policy_choices_and_unknown_operator() -> None:
    policy = build_policy({"PERSON": "pseudonym", "DEFAULT": "keep"}, b"k" * 32)
    assert policy["PERSON"].operator_name == "pseudonym"
    assert "key" in policy["PERSON"].params
    assert policy["DEFAULT"].operator_name == "keep"
    with pytest.raises(PolicyError, match="unknown operator 'encrypt'"):
        build_policy({"PERSON": "encrypt"}, b"k" * 32)
