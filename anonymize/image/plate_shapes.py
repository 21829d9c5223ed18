"""Which OCR readings have the shape of a licence plate.

Chinese plates follow GA 36: a province character, the issuing office's letter and a serial
of 5 letters or digits (6 on new-energy plates), or 4 and a use character (警 police, 领
consulate, 港/澳 Hong Kong and Macau vehicles at the border, 学 driving school, 挂 trailer);
embassy plates are 使 and 6 digits; military plates two letters and 5 digits; armed police WJ.
Two-row plates (lorries, buses, motorcycles) carry the province character and letter on the
upper row and the serial on the lower one: each row is read as its own line.
Western plates: 5 to 8 letters and digits, at least two digits and a letter, in at most
three groups.

The reading is the recogniser's, so the rules are lenient where it errs: I and O (never issued
on Chinese plates) are accepted where 1 and 0 may have been misread, the separator dot is
read as `·`, `.`, `-` or a space, and full-width forms are folded.

The province list is also in `anonymize.recognizers.zh_structured.cn_plate_recognizer`:
importing it from there would load Presidio into every image command (a second of
start-up), and the shapes differ on purpose (written against the reader's errors here,
against typed text there). `tests/anonymize/image/test_plate_shapes.py` checks the two
province lists agree.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
USE_CHARACTERS = "警领港澳学挂试超"
_SEPARATORS = re.compile(r"[\s·•・.\-_:]+")
_P = f"[{PROVINCES}]"
_X = "[A-Z0-9]"

_WHOLE = re.compile("|".join((
    f"{_P}[A-Z]{_X}{{5,6}}",                    # ordinary (5) and new-energy (6) serials
    f"{_P}[A-Z]{_X}{{4}}[{USE_CHARACTERS}]",    # police, consulate, HK/Macau, school, trailer
    "使[0-9]{6}|[0-9]{6}使|[0-9]{3}使[0-9]{3}",  # embassy
    "[A-Z]{2}[0-9]{5}",                         # military (2012 series)
    f"WJ{_P}?[0-9]{{4,5}}[A-Z0-9]?",           # armed police
)))
_UPPER_ROW = re.compile(f"{_P}[A-Z]|WJ{_P}?")
_LOWER_ROW = re.compile(f"{_X}{{5,6}}|{_X}{{4}}[{USE_CHARACTERS}]")
_AMOUNT = re.compile(r"[0-9][.,][0-9]")
"""A decimal point between digits: money or a measure, not a plate's separator (which
follows the letter on Chinese plates)."""
_WESTERN_GROUP = re.compile("[A-Z0-9]{1,8}")
_WESTERN_SEPARATORS = re.compile(r"[\s·•\-]+")
"""Not the full stop: a decimal point followed by digits is an amount of money."""


class PlateShape(StrEnum):
    WHOLE = "whole"
    """A plate on one line."""
    UPPER_ROW = "upper"
    """The province character and letter of a two-row plate (or the left half of a plate
    the detector split at the dot)."""
    LOWER_ROW = "lower"
    """The serial of a two-row plate (or the right half of a split one), when it is not
    a plate's shape on its own: see `is_lower_row`."""


def folded(text: str) -> str:
    """Full-width forms folded (NFKC), upper case, spaces and separators removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).upper())


def _western(text: str) -> bool:
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw or raw != raw.upper():
        return False
    groups = _WESTERN_SEPARATORS.split(raw)
    if len(groups) > 3 or not all(_WESTERN_GROUP.fullmatch(g) for g in groups):
        return False
    joined = "".join(groups)
    return (5 <= len(joined) <= 8 and sum(c.isdigit() for c in joined) >= 2
            and any(c.isalpha() for c in joined))


def plate_shape(text: str) -> PlateShape | None:
    """The shape of a plate (or of a row of one) that `text` has, or None."""
    if _AMOUNT.search(text):
        return None
    flat = folded(text)
    if _WHOLE.fullmatch(flat) or _western(text):
        return PlateShape.WHOLE
    if _UPPER_ROW.fullmatch(flat):
        return PlateShape.UPPER_ROW
    if is_lower_row(text):
        return PlateShape.LOWER_ROW
    return None


def is_lower_row(text: str) -> bool:
    """`text` may be the serial of a two-row plate (which may also have a Western plate's
    shape on its own: 12A34)."""
    flat = folded(text)
    return (not _AMOUNT.search(text) and bool(_LOWER_ROW.fullmatch(flat))
            and any(c.isdigit() for c in flat))
