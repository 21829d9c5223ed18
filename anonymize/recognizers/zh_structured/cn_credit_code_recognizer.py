"""统一社会信用代码 (unified social credit codes of organisations, GB 32100-2015)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .checksums import USCC_CHARS, id_shaped, uscc_check_char
from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer

_CHAR = f"[{USCC_CHARS}]"


class CnCreditCodeRecognizer(ZhPatternRecognizer):
    """Recognize unified social credit codes: 18 characters of 31 (digits and capitals
    but I, O, S, V, Z): registration authority, organisation type, the 6-digit region code,
    the 9-character organisation code (GB 11714) and a mod-31 check character.

    A sole trader's code (个体工商户) names a person. Shape decides, the check raises the
    score: a code with a letter and a wrong check character is reported at
    `SHAPE_ONLY_SCORE`. Eighteen bare digits are also order numbers and resident IDs, so
    for them the check decides and a context word raises them; a string shaped like a
    resident ID is left to CN_ID.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "CN unified social credit code",
            NOT_AFTER_ALNUM + f"(?-i:{_CHAR}{{2}}[0-9]{{6}}{_CHAR}{{10}})" + NOT_BEFORE_ALNUM,
            0.5,
        ),
    ]

    ENTITY: ClassVar[str] = "CN_USCC"
    CONTEXT: ClassVar[list[str]] = ["信用代码", "社会信用", "纳税人识别号", "税号", "营业执照",
                                    "uscc"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """True when the check character is right; False for bare digits that fail it or
        a resident ID's shape; None (shape only) otherwise."""
        if pattern_text[:17].isdigit() and id_shaped(pattern_text[:17] + "0"):
            return False  # a resident ID's region and birth date, with its check 0-9 or X
        if pattern_text.isdigit():
            return None if uscc_check_char(pattern_text[:17]) == pattern_text[17] else False
        return uscc_check_char(pattern_text[:17]) == pattern_text[17] or None

    def shape_only(self, pattern_text: str) -> bool:
        """A wrong check character, or bare digits (one order number in 31 passes the
        check): a context word (信用代码, 税号...) raises them."""
        return pattern_text.isdigit() or uscc_check_char(pattern_text[:17]) != pattern_text[17]
