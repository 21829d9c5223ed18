"""``mask``: type-aware masking that keeps the parts people use to tell values apart.

Defaults by entity type (separators are kept, only letters/digits are masked):

- phones (CN_PHONE, PHONE_NUMBER): first 3 and last 4 digits, ``138****5678``; a leading
  ``+86``/``0086`` country code is kept and not counted;
- CN_ID: first 6 and last 4 characters, ``110101********123X``;
- cards (BANK_CARD, CREDIT_CARD): last 4 digits;
- CN_PASSPORT: first character and last 2;
- e-mail (EMAIL, EMAIL_ADDRESS): first character of the local part and the domain,
  ``z***@qq.com`` (always three mask characters, hiding the length);
- CN_PLATE: province character and city letter, ``京A·*****``;
- CN_TRAVEL_PERMIT: as passports, first character and last 2, ``C******78``;
- HK_ID, MO_ID: the first letter or digit, brackets kept, ``A******(*)``;
- CN_USCC: the first 8 (registration authority, type and region), ``91310000**********``;
- VIN: the 3-character manufacturer code, ``LSV**************``;
- WECHAT_ID, QQ_NUMBER: the first character, ``w*******``, ``1*******``;
- MEDICAL_RECORD_NUMBER, STUDENT_ID: the last 2, ``******45``;
- anything else: Presidio ``mask`` semantics, masking the whole value by default.

Params (all optional): ``masking_char`` (default ``*``); ``keep_first`` / ``keep_last``
override the type's defaults; ``chars_to_mask`` (with ``from_end``) switches to Presidio
semantics for any type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from ._params import Params, entity_type, optional_bool, optional_int, optional_str
from .entity_kinds import Kind, kind_of

_DEFAULT_KEEP: dict[Kind, tuple[int, int]] = {
    Kind.PHONE: (3, 4),
    Kind.CN_ID: (6, 4),
    Kind.CARD: (0, 4),
    Kind.PASSPORT: (1, 2),
    Kind.PLATE: (2, 0),
    Kind.SAR_ID: (1, 0),
    Kind.CREDIT_CODE: (8, 0),
    Kind.VIN: (3, 0),
    Kind.ACCOUNT: (1, 0),
    Kind.RECORD_NUMBER: (0, 2),
}
_MAX = 10_000


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def mask_keeping(
    text: str,
    keep_first: int,
    keep_last: int,
    char: str = "*",
    maskable: Callable[[str], bool] = _is_ascii_alnum,
    skip: int = 0,
) -> str:
    """Mask the ``maskable`` characters of ``text`` except the first ``keep_first`` and
    last ``keep_last`` of them (after ``skip`` leading ones, which are kept and not
    counted). Values too short to keep that much keep only what fits in a third."""
    positions = [i for i, c in enumerate(text) if maskable(c)][skip:]
    n = len(positions)
    if keep_first + keep_last >= n:
        keep_first, keep_last = min(keep_first, n // 3), min(keep_last, n // 3)
    hidden = set(positions[keep_first : n - keep_last])
    return "".join(char if i in hidden else c for i, c in enumerate(text))


def presidio_mask(text: str, char: str, chars_to_mask: int, from_end: bool) -> str:
    """Presidio's ``mask``: ``chars_to_mask`` characters from the start (or the end)."""
    count = min(len(text), max(chars_to_mask, 0))
    if from_end:
        return text[: len(text) - count] + char * count
    return char * count + text[count:]


def _mask_email(text: str, char: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return presidio_mask(text, char, len(text), False)
    return f"{local[0]}{char * 3}@{domain}"


def _country_code_digits(text: str) -> int:
    """How many leading digits are a +86 / 0086 country code."""
    compact = "".join(c for c in text if c.isdigit() or c == "+")
    if compact.startswith("+86"):
        return 2
    if compact.startswith("0086"):
        return 4
    return 0


class Mask(Operator):
    """Mask part of the value; see the module docstring for the type-aware defaults."""

    MASKING_CHAR = "masking_char"
    KEEP_FIRST = "keep_first"
    KEEP_LAST = "keep_last"
    CHARS_TO_MASK = "chars_to_mask"
    FROM_END = "from_end"

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        char = optional_str(params, self.MASKING_CHAR, single_char=True) or "*"
        kind = kind_of(entity_type(params))
        chars_to_mask = optional_int(params, self.CHARS_TO_MASK, 0, _MAX)
        if chars_to_mask is not None:
            from_end = bool(optional_bool(params, self.FROM_END))
            return presidio_mask(text, char, chars_to_mask, from_end)
        keep_first = optional_int(params, self.KEEP_FIRST, 0, _MAX)
        keep_last = optional_int(params, self.KEEP_LAST, 0, _MAX)
        if kind is Kind.EMAIL and keep_first is None and keep_last is None:
            return _mask_email(text, char)
        first, last = _DEFAULT_KEEP.get(kind, (0, 0))
        first = first if keep_first is None else keep_first
        last = last if keep_last is None else keep_last
        if kind is Kind.PHONE:
            return mask_keeping(text, first, last, char, str.isdigit, _country_code_digits(text))
        if kind is Kind.PLATE:
            return mask_keeping(text, first, last, char, lambda c: c.isalnum())
        if kind is Kind.ACCOUNT:  # "_" and "-" are part of a WeChat id: masked too
            return mask_keeping(text, first, last, char, lambda c: not c.isspace())
        if kind in _DEFAULT_KEEP:
            return mask_keeping(text, first, last, char)
        return mask_keeping(text, first, last, char, lambda c: not c.isspace())

    def validate(self, params: Params | None = None) -> None:
        entity_type(params)
        optional_str(params, self.MASKING_CHAR, single_char=True)
        for name in (self.KEEP_FIRST, self.KEEP_LAST, self.CHARS_TO_MASK):
            optional_int(params, name, 0, _MAX)
        optional_bool(params, self.FROM_END)

    def operator_name(self) -> str:
        return "mask"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
