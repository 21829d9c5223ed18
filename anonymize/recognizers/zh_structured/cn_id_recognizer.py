"""居民身份证号码 (PRC resident identity card number)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .checksums import ID_PROVINCE_CODES, birth_date_valid, id_check_char
from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer


class CnIdRecognizer(ZhPatternRecognizer):
    """Recognize resident ID numbers: 18 characters (GB 11643) and the 15-digit legacy form.

    18 = 6-digit region + YYYYMMDD birth date + 3-digit sequence + check character
    (ISO 7064 MOD 11-2, 0-9 or X). Optional single spaces or hyphens after the region and
    between the 4-digit groups cover the 6-8-4 and 6-4-4-4 spellings. 15 = region + YYMMDD
    + sequence, no check digit. Shape decides, validity raises the score: a number whose
    region and birth date could be an ID's is reported, at the maximum score when its check
    character is right, at `SHAPE_ONLY_SCORE` when it is wrong (a typo or an OCR error
    still identifies a person); a 15-digit number has no checksum and keeps the pattern's
    lower score.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "CN ID 18",
            NOT_AFTER_ALNUM
            + r"[1-8][0-9]{5}[ -]?(?:19|20)[0-9]{2}[ -]?[01][0-9][0-3][0-9][ -]?[0-9]{3}[0-9X]"
            + NOT_BEFORE_ALNUM,
            0.5,
        ),
        Pattern(
            "CN ID 15 (legacy, weak)",
            NOT_AFTER_ALNUM
            + r"[1-8][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}"
            + NOT_BEFORE_ALNUM,
            0.3,
        ),
    ]

    ENTITY: ClassVar[str] = "CN_ID"
    CONTEXT: ClassVar[list[str]] = ["身份证", "身份", "证件", "公民", "证号", "id"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a valid 18-character ID, None for one shaped like an ID (a wrong check
        character, or the 15-digit form), False when region or birth date cannot be."""
        chars = pattern_text.replace(" ", "").replace("-", "").upper()
        if int(chars[:2]) not in ID_PROVINCE_CODES:
            return False
        if len(chars) == 15:
            # Legacy numbers carry no check digit; all holders were born in the 1900s.
            return None if birth_date_valid("19" + chars[6:12]) else False
        if not birth_date_valid(chars[6:14]):
            return False
        return True if id_check_char(chars[:17]) == chars[17] else None

    def shape_only(self, pattern_text: str) -> bool:
        """An 18-character ID with a wrong check character."""
        chars = pattern_text.replace(" ", "").replace("-", "").upper()
        return len(chars) == 18 and id_check_char(chars[:17]) != chars[17]
