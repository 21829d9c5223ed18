from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnIdRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnIdRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号：11010519491231002X。", ["11010519491231002X"]),
        ("身份证号11010519491231002x请核对", ["11010519491231002x"]),
        ("号码440305199003071236，", ["440305199003071236"]),
        ("ID 310104 19851120 4567 已登记", ["310104 19851120 4567"]),
        ("证件 510107 2000 1231 7897", ["510107 2000 1231 7897"]),
        ("旧证110105491231002仍有效", ["110105491231002"]),
        ("两人：11010519491231002X和440305199003071236。", ["11010519491231002X",
                                                       "440305199003071236"]),
        # shape decides: a wrong check character (a typo, an OCR error) is still an ID
        ("身份证号110105194912310021", ["110105194912310021"]),
        ("身份证 110101199003071232", ["110101199003071232"]),
        # no match
        ("身份证号11010519491231002Y", []),  # Y is no check character
        ("号码440305199013071236", []),  # month 13
        ("号码440305209912311234", []),  # born in the future
        ("号码990305199003071236", []),  # no such province
        ("订单2440305199003071236", []),  # inside a longer digit run
        ("SKU440305199003071236A", []),
        ("旧证110105491331002", []),  # legacy number, month 13
        ("2023-10-12 13:45", []),
    ],
)
def test_cn_id(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_valid_checksum_gets_max_score_and_legacy_keeps_low_score() -> None:
    [full] = RECOGNIZER.analyze("11010519491231002X", ["CN_ID"])
    [legacy] = RECOGNIZER.analyze("110105491231002", ["CN_ID"])
    assert full.score == 1.0
    assert legacy.score < 0.5


def test_a_wrong_check_character_is_reported_below_a_valid_one() -> None:
    [typo] = RECOGNIZER.analyze("110101199003071232", ["CN_ID"])
    assert typo.score == RECOGNIZER.SHAPE_ONLY_SCORE < 0.5
