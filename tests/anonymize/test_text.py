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
    # one span, several types: the most specific, whatever the scores
    ("13412342782", [D("PHONE_NUMBER", 0, 11, 1.0), D("DATE_TIME", 0, 11, 0.85),
                     D("US_BANK_NUMBER", 0, 11, 0.05), D("CN_PHONE", 0, 11, 0.5)],
     [D("CN_PHONE", 0, 11, 0.5)]),
    ("110101199101077874", [D("DATE_TIME", 0, 18, 0.85), D("CN_ID", 0, 18, 1.0)],
     [D("CN_ID", 0, 18, 1.0)]),
    ("a@b.co", [D("EMAIL_ADDRESS", 0, 6, 1.0), D("EMAIL", 0, 6, 0.5)], [D("EMAIL", 0, 6, 0.5)]),
    # a name inside an address: the address, which spans all of it
    ("221B Baker Street", [D("PERSON", 5, 10, 0.85), D("ADDRESS", 0, 17, 0.6)],
     [D("ADDRESS", 0, 17, 0.6)]),
    # a partial overlap: the longest, the most specific among equals
    ("abcdefgh", [D("DATE_TIME", 0, 4, 0.9), D("CN_ID", 2, 6, 0.4)], [D("CN_ID", 0, 6, 0.9)]),
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


@pytest.mark.parametrize(("choices", "expected"), [
    ({"CN_PHONE": "redact"}, {"CN_PHONE": "redact", "PHONE_NUMBER": "redact"}),
    ({"PHONE_NUMBER": "hash"}, {"CN_PHONE": "hash", "PHONE_NUMBER": "hash"}),
    ({"EMAIL": "redact"}, {"EMAIL": "redact", "EMAIL_ADDRESS": "redact"}),
    ({"CREDIT_CARD": "redact"}, {"BANK_CARD": "redact", "CREDIT_CARD": "redact"}),
    ({"CN_ADDRESS": "redact"}, {"CN_ADDRESS": "redact", "ADDRESS": "redact"}),
    # a member's own choice stands
    ({"CN_PHONE": "redact", "PHONE_NUMBER": "keep"}, {"CN_PHONE": "redact",
                                                     "PHONE_NUMBER": "keep"}),
    # no family: the others keep the default policy
    ({"PERSON": "redact"}, {"PERSON": "redact", "CN_PHONE": "mask", "PHONE_NUMBER": "mask"}),
])
def test_a_choice_holds_for_its_family(choices: dict[str, str],
                                       expected: dict[str, str]) -> None:
    policy = build_policy(choices, b"k" * 32)
    assert {t: policy[t].operator_name for t in expected} == expected
