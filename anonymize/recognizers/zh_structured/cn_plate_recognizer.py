"""机动车号牌 (PRC vehicle licence plates, GA 36-2018)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ZhPatternRecognizer

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # I and O are not used on plates
_ALNUM = f"[{_LETTER}0-9]"
# Between the city letter and the serial: middle dot (several code points, or a full stop),
# hyphen, space.
_SEP = "[·•・.\\- ]?"
# Province and city letter, written together or a space apart (京A, 京 A).
_HEAD = f"[{PROVINCES}] ?[{_LETTER}]{_SEP}"
# New-energy serials: the energy letter first (small vehicles: D/F since 2017, A–E and
# F–K since 2022) or D/F last (large vehicles).
_NEW_ENERGY = f"(?:[A-HJK]{_ALNUM}[0-9]{{4}}|[0-9]{{5}}[DF])"
# A use character after four letters or digits: police, learner, trailer, consulate,
# Hong Kong / Macau, embassy, emergency.
_USE = "(?:[警学挂领港澳使]|应急)"
# Military (two letters, the first the service) and armed police (WJ + province) plates.
_MILITARY = f"[VKHBSLJNGCQE][{_LETTER}][·\\- ]?[0-9]{{5}}"
_ARMED_POLICE = f"WJ[{PROVINCES}]{_SEP}[0-9]{{4}}[0-9XBTSJHD]"
# Embassy plates: 使 and six digits (embassy, then vehicle), or the digits before 使.
_EMBASSY = "使[0-9]{3}[·•・ ]?[0-9]{3}|[0-9]{3}[·•・ ]?[0-9]{3}使"


def _pattern(name: str, body: str, score: float) -> Pattern:
    # Upper case only (scoped (?-i:)): plates are written in capitals.
    return Pattern(name, NOT_AFTER_ALNUM + f"(?-i:{body})" + NOT_BEFORE_ALNUM, score)


class CnPlateRecognizer(ZhPatternRecognizer):
    """Recognize mainland licence plates.

    - ordinary plates: province character, city letter, 5 letters/digits (all letters
      included), or 4 and a use character (警 学 挂 领 港 澳 使 应急);
    - new-energy plates: 6 characters, an energy letter + letter/digit + 4 digits (small
      vehicles) or 5 digits + ``D``/``F`` (large vehicles);
    - embassy plates (使 + 6 digits), military plates (two letters + 5 digits) and armed
      police plates (WJ + province + 5).

    Letters are matched in upper case only. Shape decides, validity raises the score: an
    ordinary serial with more than three letters, which plates do not issue (five letters
    included), is reported at `SHAPE_ONLY_SCORE`; so are military plates, whose shape
    product codes share, until a context word (车牌, 号牌...) raises them.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        _pattern("CN new-energy plate", _HEAD + _NEW_ENERGY, 0.6),
        _pattern("CN plate", f"{_HEAD}(?:{_ALNUM}{{5}}|{_ALNUM}{{4}}{_USE})", 0.5),
        _pattern("CN embassy plate", _EMBASSY, 0.5),
        _pattern("CN armed police plate", _ARMED_POLICE, 0.5),
        _pattern("CN military plate (weak)", _MILITARY, 0.3),
    ]

    ENTITY: ClassVar[str] = "CN_PLATE"
    CONTEXT: ClassVar[list[str]] = ["车牌", "牌照", "号牌", "车辆", "车号", "plate", "挂牌",
                                    "车主", "违章", "停车"]

    def shape_only(self, pattern_text: str) -> bool:
        """A serial with more than three letters (perhaps a word after 京A)."""
        if pattern_text[0] not in PROVINCES:
            return False
        return sum(c.isascii() and c.isalpha() for c in pattern_text[2:]) > 3
