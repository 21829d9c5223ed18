"""Mainland travel permits: 往来港澳通行证, 港澳居民来往内地通行证 (回乡证) and 台胞证."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    ZhPatternRecognizer,
    after_cue,
)

_LETTER = "A-HJ-NP-Z"
_TAIWAN_CUES = "台胞证|台湾居民来往大陆通行证|来往大陆通行证|台湾通行证"
# The bracketed letter or digit after an older 台胞证 number (its issue count).
_TAIWAN_SUFFIX = "(?:[(（][A-Z0-9][)）])"


def _pattern(name: str, body: str, score: float) -> Pattern:
    # Upper case only (scoped (?-i:)): lower-case "c12345678" is far more often a code.
    return Pattern(name, NOT_AFTER_ALNUM + f"(?-i:{body})" + NOT_BEFORE_ALNUM, score)


class TravelPermitRecognizer(ZhPatternRecognizer):
    """Recognize travel permit numbers.

    - 往来港澳通行证 (mainland residents to Hong Kong and Macau): ``C`` + 8 digits or
      ``C`` + letter + 7 digits (cards since 2014), ``W`` + 8 digits (older booklets);
    - 港澳居民来往内地通行证 (回乡证): ``H`` (Hong Kong) or ``M`` (Macau) + 8 or 10 digits;
    - 台湾居民来往大陆通行证 (台胞证): 8 digits (cards since 2015), older 10 digits with a
      bracketed letter; bare digits only after a cue word (台胞证...), the bracketed form
      also alone.

    Letter-digit codes are also part and invoice numbers, so their base score is low and
    a context word (通行证, 回乡证, 港澳...) raises it.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        _pattern("CN HK/Macau permit", rf"C[0-9]{{8}}|C[{_LETTER}][0-9]{{7}}|W[0-9]{{8}}", 0.3),
        _pattern("HK/Macau home-return permit", r"[HM][0-9]{8}(?:[0-9]{2})?", 0.3),
        Pattern("Taiwan compatriot permit (after its name)",
                after_cue(_TAIWAN_CUES, f"(?-i:[0-9]{{8}}(?:[0-9]{{2}})?{_TAIWAN_SUFFIX}?)",
                          gap=12),
                0.6),
        Pattern("Taiwan compatriot permit (old, bracketed)",
                NOT_AFTER_ALNUM + f"(?-i:[0-9]{{10}}{_TAIWAN_SUFFIX})", 0.4),
    ]

    ENTITY: ClassVar[str] = "CN_TRAVEL_PERMIT"
    CONTEXT: ClassVar[list[str]] = ["通行证", "回乡证", "港澳", "台胞", "证件", "签注", "护照"]
