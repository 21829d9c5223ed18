from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import TravelPermitRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = TravelPermitRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("港澳通行证C12345678", ["C12345678"]),
        ("通行证CA1234567", ["CA1234567"]),
        ("旧通行证W12345678", ["W12345678"]),
        ("回乡证H12345678", ["H12345678"]),
        ("回乡证M1234567890", ["M1234567890"]),
        ("台胞证号码：12345678", ["12345678"]),
        ("证件类型：台胞证；证件号：1234567890(B)", ["1234567890(B)"]),
        ("旧证1234567890（B）", ["1234567890（B）"]),
        # no match
        ("c12345678", []),  # lower case
        ("C1234567", []),  # too short
        ("编号12345678", []),  # eight bare digits need 台胞证 before them
    ],
)
def test_travel_permit(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)
