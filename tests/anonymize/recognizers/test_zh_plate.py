from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnPlateRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnPlateRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("车牌京A12345，", ["京A12345"]),
        ("车牌号粤B·8X2K9", ["粤B·8X2K9"]),
        ("沪C 12345违停", ["沪C 12345"]),
        ("苏E-5G678", ["苏E-5G678"]),
        ("新能源京AD12345", ["京AD12345"]),
        ("新能源沪A·DB1234", ["沪A·DB1234"]),
        ("大型新能源粤B12345D", ["粤B12345D"]),
        ("警车京A1234警", ["京A1234警"]),
        ("教练车浙A1234学", ["浙A1234学"]),
        ("粤Z1234港入境", ["粤Z1234港"]),
        # a space after the province; 2022 new-energy letters; emergency, consulate,
        # embassy, military and armed police plates
        ("车牌京 A12345", ["京 A12345"]),
        ("车牌京A.12345", ["京A.12345"]),
        ("沪A·HC1234", ["沪A·HC1234"]),
        ("云H·8685应急", ["云H·8685应急"]),
        ("沪A·1234领", ["沪A·1234领"]),
        ("使馆车辆使224·001", ["使224·001"]),
        ("号牌VA·12345", ["VA·12345"]),
        ("车辆WJ京·1234X", ["WJ京·1234X"]),
        ("两车鲁B12345与川A23456相撞", ["鲁B12345", "川A23456"]),
        # shape decides: serials of five letters are not issued, but still a plate's shape
        ("车牌京ABCDEF", ["京ABCDEF"]),
        ("京A·BCDEF", ["京A·BCDEF"]),
        # no match
        ("京a12345", []),  # lower case
        ("京I12345", []),  # I is never used
        ("京A1234", []),  # too short
        ("京A1234567", []),  # too long
        ("京ABCDEFG", []),  # too long
        ("京ABCD", []),  # too short
        ("北京欢迎你", []),
    ],
)
def test_cn_plate(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_a_serial_of_letters_is_reported_below_an_issued_one() -> None:
    [letters] = RECOGNIZER.analyze("京ABCDEF", ["CN_PLATE"])
    [issued] = RECOGNIZER.analyze("京A12345", ["CN_PLATE"])
    assert letters.score == RECOGNIZER.SHAPE_ONLY_SCORE < issued.score


def test_a_military_plate_needs_a_context_word_to_score_as_a_plate() -> None:
    [bare] = RECOGNIZER.analyze("型号KA12345", ["CN_PLATE"])
    assert bare.score < 0.5
    [cued] = RECOGNIZER.enhance_using_context("车牌KA12345", [RECOGNIZER.analyze(
        "车牌KA12345", ["CN_PLATE"])[0]], [], None)
    assert cued.score >= 0.5
