"""车架号 / 车辆识别代号 (vehicle identification numbers, ISO 3779)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .checksums import vin_check_valid
from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer


class VinRecognizer(ZhPatternRecognizer):
    """Recognize VINs: 17 capitals and digits, never I, O or Q, with a letter and a digit.

    Shape decides, the check digit raises the score: position 9 is a check digit in North
    America and on most VINs issued in China (GB 16735), not in Europe. A VIN with a right
    check digit scores 1.0, one without `SHAPE_ONLY_SCORE` until a cue word (车架号,
    VIN...) raises it.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "VIN",
            NOT_AFTER_ALNUM + r"(?-i:(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])(?=[A-HJ-NPR-Z0-9]*[0-9])"
            r"[A-HJ-NPR-Z0-9]{17})" + NOT_BEFORE_ALNUM,
            0.5,
        ),
    ]

    ENTITY: ClassVar[str] = "VIN"
    CONTEXT: ClassVar[list[str]] = ["车架", "车辆识别", "识别代号", "vin", "底盘号"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return True if vin_check_valid(pattern_text) else None

    def shape_only(self, pattern_text: str) -> bool:
        return not vin_check_valid(pattern_text)
