"""中国大陆电话号码 (mainland China mobile, landline and 400/800 service numbers)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from .zh_pattern_recognizer import NOT_BEFORE_ALNUM, ZhPatternRecognizer, after_cue

# No letter, digit or "+" before the number (or before its country code).
_START = r"(?<![0-9A-Za-z+])"
_COUNTRY = r"(?:(?:\+|00)?86[ -]?|[(\uff08]\+?86[)\uff09][ -]?)"
# Area codes: 010, 020-029, and four-digit 0[3-9]xx.
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
# Local numbers never start with 0 or 1; 8 digits may be split 4-4.
_LOCAL = r"(?:[2-9][0-9]{6,7}|[2-9][0-9]{3}[ -][0-9]{4})"
# After an area code: a space, a hyphen, or the full-width hyphen and dashes of Chinese input.
_AREA_SEP = "[ \\-\uff0d\u2014\u2013]"
_EXTENSION = r"(?:(?: ?(?:转|分机|ext\.?) ?|-)[0-9]{1,5})?"

# Mobile number segments in use (MIIT allocations): 13x, 145-149, 15x but 154, 162/165-167,
# 170-178, 18x, 19x.
_MOBILE_SEGMENT = re.compile(r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8[0-9]|9[0-9])")
_MOBILE = re.compile(r"(?:\+|00)?(?:86)?(1[3-9][0-9]{9})")


class CnPhoneRecognizer(ZhPatternRecognizer):
    """Recognize mainland Chinese phone numbers.

    - mobiles ``1[3-9]xxxxxxxxx``, optionally after ``+86``/``0086``/``86``/``(+86)``, and
      optionally grouped 3-4-4 by spaces or hyphens;
    - landlines ``0AA(A)-NNNNNNN(N)`` with or without the hyphen, ``(0AA) NNNNNNNN``, or
      ``+86 AA NNNNNNNN`` without the trunk 0, with an optional extension (转123, -123);
      a local number alone after 电话/座机/传真;
    - 400/800 service numbers. They belong to businesses, not people, so they are reported
      with a low score: a caller can keep them by setting a threshold above it.

    A number inside a longer run of digits (order or tracking numbers) is not matched.
    Shape decides, validity raises the score: a mobile number in a segment not (yet)
    allocated is reported at `SHAPE_ONLY_SCORE`.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "CN mobile",
            _START + _COUNTRY + r"?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}" + NOT_BEFORE_ALNUM,
            0.5,
        ),
        Pattern(
            "CN landline",
            _START + r"0" + _AREA + _AREA_SEP + _LOCAL + _EXTENSION + NOT_BEFORE_ALNUM,
            0.5,
        ),
        # 11-12 bare digits starting with 0 are also invoice codes and account numbers.
        Pattern(
            "CN landline (no separator, weak)",
            _START + r"0" + _AREA + r"[2-9][0-9]{6,7}" + _EXTENSION + NOT_BEFORE_ALNUM,
            0.2,
        ),
        Pattern(
            "CN landline (bracketed area code)",
            r"[(\uff08]0" + _AREA + r"[)\uff09][ -]?" + _LOCAL + _EXTENSION + NOT_BEFORE_ALNUM,
            0.5,
        ),
        Pattern(
            "CN landline (international)",
            _START + r"(?:\+|00)86[ -]?" + _AREA + r"[ -]?" + _LOCAL + _EXTENSION
            + NOT_BEFORE_ALNUM,
            0.5,
        ),
        # A local number without its area code, written after a word for a landline.
        Pattern(
            "CN local number (after its cue)",
            after_cue("电话|座机|固话|固定电话|办公室|传真|(?<![A-Za-z])tel",
                      r"[2-9][0-9]{3}[ -]?[0-9]{3,4}"),
            0.5,
        ),
        Pattern(
            "CN 400/800 service number (weak)",
            _START + r"[48]00[ -]?[0-9]{3}[ -]?[0-9]{4}" + NOT_BEFORE_ALNUM,
            0.2,
        ),
    ]

    # What no other country's numbers look like, for English text: a landline such as
    # "020 7946 0018" is London's there.
    UNAMBIGUOUS: ClassVar[tuple[str, ...]] = ("CN mobile", "CN landline (international)")

    ENTITY: ClassVar[str] = "CN_PHONE"
    CONTEXT: ClassVar[list[str]] = [
        "电话", "手机", "联系", "致电", "来电", "拨打", "号码", "tel", "phone", "mobile", "微信",
    ]

    def shape_only(self, pattern_text: str) -> bool:
        """A mobile number in an unallocated segment."""
        compact = re.sub(r"[ ()\uff08\uff09-]", "", pattern_text)
        mobile = _MOBILE.fullmatch(compact)
        return mobile is not None and not _MOBILE_SEGMENT.match(mobile.group(1))
