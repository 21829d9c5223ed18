from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnCreditCodeRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnCreditCodeRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("统一社会信用代码：91350100M000100Y43", ["91350100M000100Y43"]),
        ("税号91350100M000100Y44，", ["91350100M000100Y44"]),  # wrong check: shape decides
        # no match
        ("91350100M000100Y4", []),  # too short
        ("91350100M000100Y43A", []),  # too long
        ("91350100M000100I43", []),  # I is not used
        ("11010519491231002X", []),  # a resident ID's shape: CN_ID's
        ("订单号202508124170357041", []),  # bare digits with a wrong check
    ],
)
def test_credit_code(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_the_check_character_decides_the_score() -> None:
    [valid] = RECOGNIZER.analyze("91350100M000100Y43", ["CN_USCC"])
    [mistyped] = RECOGNIZER.analyze("91350100M000100Y44", ["CN_USCC"])
    assert mistyped.score == RECOGNIZER.SHAPE_ONLY_SCORE < 0.5 < valid.score
