"""Check digits and date rules shared by the numeric recognizers."""

from __future__ import annotations

from datetime import date

# First two digits of a resident ID: province-level divisions (GB/T 2260), plus
# 71 Taiwan, 81 Hong Kong, 82 Macau and 83 (residence permits for Taiwan residents).
ID_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)

# GB 11643-1999: ISO 7064 MOD 11-2 weights of the first 17 digits, and check characters.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    """The check character of an 18-character resident ID given its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def birth_date_valid(yyyymmdd: str, today: date | None = None) -> bool:
    """A real calendar date between 1900-01-01 and today."""
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (today or date.today())


def id_shaped(digits: str) -> bool:
    """An 18-digit string whose region and birth-date fields look like a resident ID."""
    return (
        len(digits) == 18
        and int(digits[:2]) in ID_PROVINCE_CODES
        and birth_date_valid(digits[6:14])
    )


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment card numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
