"""EnglishPhoneRecognizer: separators, country codes, trunk prefixes and extensions; decoys
with the same digit count (dates, IPs, SSNs, ranges, decimals, table rows) stay clear."""

from __future__ import annotations

import pytest

from anonymize.recognizers.en_phone import EnglishPhoneRecognizer, is_phone_number
from tests.anonymize.recognizers.engine_helper import spans

RECOGNIZER = EnglishPhoneRecognizer()


def found(text: str) -> list[str]:
    return sorted({text[s:e] for s, e in spans(RECOGNIZER, text)})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 905-674-3793 today", ["905-674-3793"]),
        ("Desk: +41 (0)96 471 07 95", ["+41 (0)96 471 07 95"]),
        ("Phone +46 (0)8 928 571 38", ["+46 (0)8 928 571 38"]),
        ("Fax: 345-899-3560x4587", ["345-899-3560x4587"]),
        ("tel (898)666-3621x0135.", ["(898)666-3621x0135"]),
        ("Mobile: 03.93.92.16.85", ["03.93.92.16.85"]),
        ("US exit 001-253-366-9781", ["001-253-366-9781"]),
        ("Fax: 9498777106", ["9498777106"]),
        ("mobile +447700677662 mobile", ["+447700677662"]),
        ("21 253 109 8211-Office\\,+447700 208 815-Fax", ["+447700 208 815", "21 253 109 8211"]),
        ("(08) 8747 6301", ["(08) 8747 6301"]),
        ("call 668 5702", ["668 5702"]),
        ("ring 60-56-85-91", ["60-56-85-91"]),
        ("my registered 0961-7596216.", ["0961-7596216"]),
        ("call 13812345678", ["13812345678"]),
        ("+86 138 1234 5678", ["+86 138 1234 5678"]),
        ("+1 (415) 555-2671 ext. 12", ["+1 (415) 555-2671 ext. 12"]),
        # no match
        ("Date: 1992-02-08 20:15:24", []),
        ("address 172.61.42.192 blocked", []),
        ("SSN: 054-28-6917", []),
        ("HARTFORD 12 7 6 77 76 30", []),
        ("Des Terblanche 65 67 133 Mark", []),
        ("Aug 97 72.41 72.07 68.01 69.45-74.18", []),
        ("Choice 2-3 1050-1100 lbs", []),
        ("between 1990-2000 it grew", []),
        ("order 1234567 shipped", []),
        ("size 214748364800 bytes", []),
        ("pi is 3.14159265", []),
        ("card 4992819677820891 lost", []),
        ("see https://example.com/item/5551234567", []),
    ],
)
def test_phone_numbers(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("candidate", "valid"),
    [("123 4567", True), ("123 456", False), ("+1 800 555 0101 2222 33", False),
     ("1200-1300", False), ("0120-0130", True)],
)
def test_validation(candidate: str, valid: bool) -> None:
    assert is_phone_number(candidate) is valid
