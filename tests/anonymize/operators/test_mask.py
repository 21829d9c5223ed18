from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError

from anonymize.operators import Mask
from tests.anonymize.operators.helpers import run

OP = Mask()


@pytest.mark.parametrize(
    ("entity_type", "text", "expected"),
    [
        ("CN_PHONE", "13812345678", "138****5678"),
        ("CN_PHONE", "138-1234-5678", "138-****-5678"),
        ("CN_PHONE", "138 1234 5678", "138 **** 5678"),
        ("CN_PHONE", "+86 138 1234 5678", "+86 138 **** 5678"),
        ("CN_PHONE", "008613812345678", "0086138****5678"),
        ("PHONE_NUMBER", "(212) 555-0100", "(212) ***-0100"),
        ("PHONE_NUMBER", "12345", "1***5"),  # too short: keep a third at each end
        ("CN_ID", "11010519491231002X", "110105********002X"),
        ("CN_ID", "110101199003071234", "110101********1234"),
        ("BANK_CARD", "6222021234567890123", "***************0123"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("EMAIL", "zhangsan@qq.com", "z***@qq.com"),
        ("EMAIL_ADDRESS", "john.smith@example.org", "j***@example.org"),
        ("EMAIL", "not-an-email", "************"),
        ("CN_PLATE", "京A·12345", "京A·*****"),
        ("CN_PLATE", "京A12345", "京A*****"),
        ("CN_PLATE", "粤B12345D", "粤B******"),
        ("CN_PASSPORT", "E12345678", "E******78"),
        ("CN_TRAVEL_PERMIT", "C12345678", "C******78"),
        ("HK_ID", "A123456(3)", "A******(*)"),
        ("MO_ID", "1/234567/8", "1/******/*"),
        ("CN_USCC", "91350100M000100Y43", "91350100**********"),
        ("VIN", "LSVAB12C3D4567890", "LSV**************"),
        ("WECHAT_ID", "wx_abc-123", "w*********"),
        ("QQ_NUMBER", "12345678", "1*******"),
        ("MEDICAL_RECORD_NUMBER", "ZY2023-00123", "******-***23"),
        ("STUDENT_ID", "2020123456", "********56"),
        ("US_SSN", "123-45-6789", "***********"),  # Presidio: everything
        ("PERSON", "John Smith", "**** *****"),
    ],
)
def test_type_defaults(entity_type: str, text: str, expected: str) -> None:
    assert run(OP, text, entity_type) == expected


@pytest.mark.parametrize(
    ("entity_type", "text", "params", "expected"),
    [
        ("CN_PHONE", "13812345678", {"masking_char": "#"}, "138####5678"),
        ("CN_PHONE", "13812345678", {"keep_first": 0, "keep_last": 2}, "*********78"),
        ("CN_ID", "110101199003071234", {"keep_first": 2}, "11************1234"),
        ("EMAIL", "zhangsan@qq.com", {"keep_first": 2, "keep_last": 0}, "zh*************"),
        # Presidio semantics for any type once chars_to_mask is given
        ("US_SSN", "123-45-6789", {"chars_to_mask": 4}, "****45-6789"),
        ("US_SSN", "123-45-6789", {"chars_to_mask": 4, "from_end": True}, "123-45-****"),
        ("CN_PHONE", "13812345678", {"chars_to_mask": 99}, "***********"),
        ("IBAN_CODE", "GB82 WEST", {"keep_last": 4}, "**** WEST"),
    ],
)
def test_overrides(entity_type: str, text: str, params: dict[str, Any], expected: str) -> None:
    assert run(OP, text, entity_type, **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"masking_char": "**"},
        {"masking_char": 1},
        {"keep_first": -1},
        {"keep_last": "4"},
        {"chars_to_mask": True},
        {"from_end": "yes"},
        {"entity_type": "person"},
        {"entity_type": ""},
    ],
)
def test_validate_rejects(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamError):
        OP.validate({"entity_type": "CN_PHONE", **params})


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_phone_mask_shape(phone: str) -> None:
    out = run(OP, phone, "CN_PHONE")
    assert out == phone[:3] + "****" + phone[-4:]
