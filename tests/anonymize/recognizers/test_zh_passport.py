from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnPassportRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnPassportRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("护照号码：E12345678。", ["E12345678"]),
        ("护照EA1234567", ["EA1234567"]),
        ("旧护照G12345678已作废", ["G12345678"]),
        ("外交护照DE1234567", ["DE1234567"]),
        ("公务护照S1234567", ["S1234567"]),
        # no match
        ("e12345678", []),  # lower case
        ("E1234567", []),  # too short
        ("E123456789", []),  # too long
        ("EI1234567", []),  # I is never used
        ("E00000000", []),  # placeholder
        ("SKUE12345678", []),
        ("航班CA1234", []),
        ("港澳通行证C12345678", []),  # a travel permit (TravelPermitRecognizer)
    ],
)
def test_cn_passport(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_base_score_is_low_without_context() -> None:
    assert all(r.score < 0.5 for r in RECOGNIZER.analyze("E12345678 G12345678", ["CN_PASSPORT"]))
