"""香港身份证 and 澳门身份证 (Hong Kong and Macau identity cards)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from .checksums import hk_id_valid
from .zh_pattern_recognizer import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    ZhPatternRecognizer,
    after_cue,
)

_HK_PARTS = re.compile(r"([A-Z]{1,2})([0-9]{6})\W*([0-9A])\W*")


def _pattern(name: str, body: str, score: float) -> Pattern:
    return Pattern(name, NOT_AFTER_ALNUM + f"(?-i:{body})" + NOT_BEFORE_ALNUM, score)


class HkIdRecognizer(ZhPatternRecognizer):
    """Recognize Hong Kong identity card numbers: one or two letters, six digits and a
    check digit (0-9 or A), usually in brackets: ``A123456(7)``.

    Shape decides, the mod-11 check raises the score: the bracketed form is reported at
    0.5 (1.0 with a right check digit, `SHAPE_ONLY_SCORE` with a wrong one); written
    without brackets it shares its shape with passport and part numbers and needs a right
    check digit or a context word.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("HK identity card (bracketed)",
                NOT_AFTER_ALNUM + r"(?-i:[A-Z]{1,2}[0-9]{6} ?[(（][0-9A][)）])", 0.5),
        _pattern("HK identity card (weak)", r"[A-Z]{1,2}[0-9]{6}[0-9A]", 0.2),
    ]

    # What no other code looks like, for English text.
    UNAMBIGUOUS: ClassVar[tuple[str, ...]] = ("HK identity card (bracketed)",)

    ENTITY: ClassVar[str] = "HK_ID"
    CONTEXT: ClassVar[list[str]] = ["香港身份证", "身份证", "hkid", "香港", "身份證"]

    def validate_result(self, pattern_text: str) -> bool | None:
        parts = _HK_PARTS.fullmatch(pattern_text)
        return True if parts is not None and hk_id_valid(*parts.groups()) else None

    def shape_only(self, pattern_text: str) -> bool:
        parts = _HK_PARTS.fullmatch(pattern_text)
        return parts is None or not hk_id_valid(*parts.groups())


class MacauIdRecognizer(ZhPatternRecognizer):
    """Recognize Macau identity card numbers: 1, 5 or 7, six digits and a check digit, in
    brackets or after slashes (``1234567(8)``, ``1/234567/8``); eight bare digits only
    after a cue word (澳门身份证)."""

    PATTERNS: ClassVar[list[Pattern]] = [
        _pattern("Macau identity card", r"[157][0-9]{6} ?[(（][0-9][)）]|[157]/[0-9]{6}/[0-9]",
                 0.5),
        Pattern("Macau identity card (after its name)",
                after_cue("澳门(?:居民)?身份证|澳門(?:居民)?身份證", "[157][0-9]{7}", gap=8), 0.6),
    ]

    ENTITY: ClassVar[str] = "MO_ID"
    CONTEXT: ClassVar[list[str]] = ["澳门", "澳門", "身份证", "身份證", "bir"]
