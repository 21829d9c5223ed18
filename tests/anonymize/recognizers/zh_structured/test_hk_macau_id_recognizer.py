from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import HkIdRecognizer, MacauIdRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

HK = HkIdRecognizer()
MACAU = MacauIdRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("香港身份证A123456(3)", ["A123456(3)"]),
        ("身份证号码AB987654（2）", ["AB987654（2）"]),
        ("HKID Z683365 (5)", ["Z683365 (5)"]),
        ("香港身份证A1234563", ["A1234563"]),  # no brackets
        # no match
        ("a123456(3)", []),
        ("A12345(3)", []),
        ("ABC123456(7)", []),
    ],
)
def test_hk_id(text: str, expected: list[str]) -> None:
    assert spans(HK, text) == where(text, *expected)


def test_the_check_digit_decides_the_hk_score() -> None:
    [valid] = HK.analyze("A123456(3)", ["HK_ID"])
    [mistyped] = HK.analyze("A123456(4)", ["HK_ID"])
    [bare] = HK.analyze("A1234564", ["HK_ID"])
    assert bare.score < 0.5
    assert mistyped.score == HK.SHAPE_ONLY_SCORE < 0.5 < valid.score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("澳门身份证1234567(8)", ["1234567(8)"]),
        ("BIR 5/123456/7", ["5/123456/7"]),
        ("澳门居民身份证：71234567", ["71234567"]),
        # no match
        ("编号2234567(8)", []),  # 1, 5 or 7 first
        ("编号71234567", []),  # eight bare digits need the card's name before them
    ],
)
def test_macau_id(text: str, expected: list[str]) -> None:
    assert spans(MACAU, text) == where(text, *expected)
