"""机动车号牌 (PRC vehicle licence plates)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import NOT_BEFORE_ALNUM, ZhPatternRecognizer

_PROVINCE = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # I and O are not used on plates
_ALNUM = f"[{_LETTER}0-9]"
# Between the city letter and the serial: middle dot (several code points), hyphen, space.
_SEP = "[·•・\\- ]?"


class CnPlateRecognizer(ZhPatternRecognizer):
    """Recognize mainland licence plates: province character + city letter + serial.

    - ordinary plates: 5 letters/digits, or 4 and a use character (警 学 挂 领 港 澳 使);
    - new-energy plates (GA 36-2018): 6 characters, ``D``/``F`` + letter/digit + 4 digits
      (small vehicles) or 5 digits + ``D``/``F`` (large vehicles).

    Letters are matched in upper case only. Shape decides, validity raises the score: an
    ordinary serial with more than three letters, which plates do not issue (five letters
    included), is reported at `SHAPE_ONLY_SCORE`.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "CN new-energy plate",
            f"(?-i:[{_PROVINCE}][{_LETTER}]{_SEP}(?:[DF]{_ALNUM}[0-9]{{4}}|[0-9]{{5}}[DF]))"
            + NOT_BEFORE_ALNUM,
            0.6,
        ),
        Pattern(
            "CN plate",
            f"(?-i:[{_PROVINCE}][{_LETTER}]{_SEP}(?:{_ALNUM}{{5}}|{_ALNUM}{{4}}[警学挂领港澳使]))"
            + NOT_BEFORE_ALNUM,
            0.5,
        ),
    ]

    ENTITY: ClassVar[str] = "CN_PLATE"
    CONTEXT: ClassVar[list[str]] = ["车牌", "牌照", "号牌", "车辆", "车号", "plate"]

    def shape_only(self, pattern_text: str) -> bool:
        """A serial with more than three letters (perhaps a word after 京A)."""
        return sum(c.isascii() and c.isalpha() for c in pattern_text[2:]) > 3
