"""银行卡号 (payment card numbers, UnionPay and international schemes)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .checksums import id_shaped, luhn_valid
from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer


class BankCardRecognizer(ZhPatternRecognizer):
    """Recognize 16-19 digit card numbers starting with 3, 4, 5 or 6 that pass Luhn.

    Digits may be written together or in groups of four separated by one kind of
    separator (space or hyphen), with a last group of 1-3 digits for 17-19 digit cards,
    e.g. ``6222 0200 1234 5678 901``. The number may not sit inside a longer digit run.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "Card (ungrouped)",
            NOT_AFTER_ALNUM + r"[3-6][0-9]{15,18}" + NOT_BEFORE_ALNUM,
            0.3,
        ),
        Pattern(
            "Card (grouped by 4)",
            NOT_AFTER_ALNUM
            + r"[3-6][0-9]{3}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?"
            # A further digit group means a different, longer number.
            + r"(?![0-9A-Za-z]|[ -][0-9])",
            0.4,
        ),
    ]

    ENTITY: ClassVar[str] = "BANK_CARD"
    CONTEXT: ClassVar[list[str]] = [
        "银行卡", "卡号", "借记卡", "信用卡", "储蓄卡", "账号", "帐号", "开户", "银行",
    ]

    def validate_result(self, pattern_text: str) -> bool:
        """Luhn-valid, and, written without groups, not an 18-digit string shaped like a
        resident ID."""
        digits = pattern_text.replace(" ", "").replace("-", "")
        # A mistyped ID passes Luhn one time in ten; a real card rarely has a region code
        # and a birth date in those places, so leave such strings to CN_ID. Nobody writes
        # an ID in groups of four, so a grouped number is a card whatever its digits.
        grouped = digits != pattern_text
        return luhn_valid(digits) and (grouped or not id_shaped(digits))
