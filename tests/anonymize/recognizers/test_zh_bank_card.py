from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import BankCardRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = BankCardRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卡号6222020200123456788，", ["6222020200123456788"]),
        ("卡号6222 0202 0012 3456 788。", ["6222 0202 0012 3456 788"]),
        ("卡号6222-0202-0012-3456-788", ["6222-0202-0012-3456-788"]),
        ("信用卡4111111111111111到期", ["4111111111111111"]),
        ("5500 0000 0000 0004", ["5500 0000 0000 0004"]),
        ("储蓄卡6225880123456783", ["6225880123456783"]),
        ("账号6217001234567890122", ["6217001234567890122"]),
        # grouped by four: a card even where its digits have an ID's shape (found by the
        # property test over generated cards)
        ("银行卡号：6200 0019 0001 0100 02", ["6200 0019 0001 0100 02"]),
        # no match
        ("卡号6222020200123456789", []),  # Luhn fails
        ("卡号6222 0202 0012 3456 789", []),
        ("卡号6222 0202-0012 3456 788", []),  # mixed separators
        ("订单16222020200123456788", []),  # inside a longer run (20 digits)
        ("身份证440305199003071236", []),  # an ID, even where Luhn passes
        ("356000000000018", []),  # 15 digits
        ("1111111111111111", []),  # no card prefix
        ("订单号2023101213456789012", []),
    ],
)
def test_bank_card(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)
