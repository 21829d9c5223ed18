from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnPhoneRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnPhoneRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话：0769-88783101 转 877", ["0769-88783101 转 877"]),
        ("座机（010）62345678转123", ["（010）62345678转123"]),
        ("电话：010－62345678", ["010－62345678"]),  # a full-width hyphen
        ("电话(0755)-86001234", ["(0755)-86001234"]),
        ("座机：62345678（北京）", ["62345678"]),  # a local number after its cue
        ("Hotel 2345678", []),
        ("手机号13812345678，", ["13812345678"]),
        ("电话138 1234 5678。", ["138 1234 5678"]),
        ("电话138-1234-5678", ["138-1234-5678"]),
        ("call +86 13812345678 now", ["+86 13812345678"]),
        ("+8613812345678", ["+8613812345678"]),
        ("0086 13812345678", ["0086 13812345678"]),
        ("86-13812345678", ["86-13812345678"]),
        ("联系(+86) 138 1234 5678", ["(+86) 138 1234 5678"]),
        ("联系（+86）19912345678吧", ["（+86）19912345678"]),
        ("座机010-62345678", ["010-62345678"]),
        ("座机0755-86123456转123找我", ["0755-86123456转123"]),
        ("总机021-62345678-8001", ["021-62345678-8001"]),
        ("(0571) 87654321", ["(0571) 87654321"]),
        ("（010）62345678", ["（010）62345678"]),
        ("+86 10 62345678", ["+86 10 62345678"]),
        ("0512-6512345", ["0512-6512345"]),
        ("02162345678", ["02162345678"]),  # weak, but reported
        ("客服400-820-8820", ["400-820-8820"]),  # business number, low score
        # shape decides: segments not (yet) allocated are still phone numbers
        ("14012345678", ["14012345678"]),
        ("手机15412345678", ["15412345678"]),
        # no match
        ("订单号20231012138123456789", []),  # 11 digits inside a longer run
        ("单号SF13812345678", []),
        ("138123456789", []),  # 12 digits
        ("12345678901", []),
        ("手机12412345678", []),  # 12x is no mobile shape
        ("日期2023-10-12，时间13:45", []),
        ("价格¥13800.00元", []),
        ("010-12345678", []),  # local numbers never start with 1
        ("0123-4567890", []),  # no such area code
    ],
)
def test_cn_phone(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)


def test_service_numbers_score_below_personal_numbers() -> None:
    [service] = RECOGNIZER.analyze("400-820-8820", ["CN_PHONE"])
    [mobile] = RECOGNIZER.analyze("13812345678", ["CN_PHONE"])
    assert service.score < mobile.score


def test_an_unallocated_segment_is_reported_below_an_allocated_one() -> None:
    [unallocated] = RECOGNIZER.analyze("15412345678", ["CN_PHONE"])
    [mobile] = RECOGNIZER.analyze("13812345678", ["CN_PHONE"])
    assert unallocated.score == RECOGNIZER.SHAPE_ONLY_SCORE < mobile.score
