from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import VinRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = VinRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("车架号1HGCM82633A004352", ["1HGCM82633A004352"]),
        ("VIN：WVWZZZ1JZXW000001。", ["WVWZZZ1JZXW000001"]),  # European: no check digit
        # no match
        ("1HGCM82633A00435", []),  # 16
        ("1HGCM82633A0043521", []),  # 18
        ("1HGCM82633AO04352", []),  # O is not used
        ("ABCDEFGHJKLMNPRST", []),  # no digit
        ("12345678901234567", []),  # no letter
    ],
)
def test_vin(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_the_check_digit_decides_the_score() -> None:
    [valid] = RECOGNIZER.analyze("1HGCM82633A004352", ["VIN"])
    [other] = RECOGNIZER.analyze("1HGCM82643A004352", ["VIN"])
    assert other.score == RECOGNIZER.SHAPE_ONLY_SCORE < 0.5 < valid.score
