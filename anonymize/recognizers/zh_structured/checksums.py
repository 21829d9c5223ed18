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


# GB 32100-2015: the 31 characters of a unified social credit code (no I, O, S, V, Z)
# and the weights 3^i mod 31 of its first 17.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code given its first 17."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def hk_id_valid(letters: str, digits: str, check: str) -> bool:
    """Hong Kong identity card: one or two letters (a lone letter counts as if a space
    stood before it, value 36; A=10 ... Z=35), six digits, weights 9..2, and a check digit
    (A for 10) that makes the weighted sum divisible by 11."""
    values = [36] * (2 - len(letters)) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    return check == "0123456789A"[(11 - total % 11) % 11]


# ISO 3779 (North American check digit, also used by most VINs issued in China).
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_valid(vin: str) -> bool:
    """The 9th character of a 17-character VIN is its weighted sum mod 11 (10 as X)."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return vin[8] == "0123456789X"[total % 11]
