"""中国护照号码 (PRC passport numbers; travel permits are travel_permit_recognizer's)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer

# Letters other than I and O (never used, they read as 1 and 0).
_LETTER = "A-HJ-NP-Z"


def _pattern(name: str, body: str, score: float) -> Pattern:
    # Upper case only (scoped (?-i:)): lower-case "e12345678" is far more often a code.
    return Pattern(name, NOT_AFTER_ALNUM + f"(?-i:{body})" + NOT_BEFORE_ALNUM, score)


class CnPassportRecognizer(ZhPatternRecognizer):
    """Recognize PRC passport numbers.

    - ordinary e-passports: ``E`` + 8 digits, or ``E`` + letter + 7 digits;
    - older ordinary passports: ``G`` + 8 digits;
    - diplomatic / service / official: ``D``/``S``/``P`` (+ optional ``E``) + 7 digits.

    These are short letter-digit codes that product, invoice and part numbers also take,
    so the base scores are low (0.3-0.4) and context words such as 护照 lift them to
    0.65-0.75: without context a caller with a 0.5 threshold misses passports; with a
    threshold at or below the base score it also redacts look-alike codes.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        _pattern("CN e-passport", rf"E[0-9]{{8}}|E[{_LETTER}][0-9]{{7}}", 0.4),
        _pattern("CN passport (old)", r"G[0-9]{8}", 0.3),
        _pattern("CN diplomatic/service passport", r"[DSP]E?[0-9]{7}", 0.3),
    ]

    ENTITY: ClassVar[str] = "CN_PASSPORT"
    CONTEXT: ClassVar[list[str]] = ["护照", "passport", "通行证", "证件", "签证", "出境", "入境"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """False when the serial digits are all one digit (placeholders like E00000000)."""
        digits = pattern_text.lstrip("ABCDEFGHJKLMNPQRSTUVWXYZ")
        return False if len(set(digits)) == 1 else None
