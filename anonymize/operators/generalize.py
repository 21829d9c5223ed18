"""``generalize``: coarsen a value instead of hiding it.

- addresses (CN_ADDRESS, ADDRESS, LOCATION) to city level: 北京市海淀区中关村大街1号 → 北京市,
  广东省深圳市南山区… → 广东省深圳市; no city found → 某地. Latin-script addresses keep
  the comma-separated parts after the street, postcodes dropped ("1 Main St, Springfield,
  IL 62704" → "Springfield, IL"); a bare place name without digits is kept as is.
- dates (DATE_TIME) to the year: 2023-10-12 → 2023, 2023年10月12日 → 2023年,
  10/12/2023 → 2023;
- ages (AGE) to decades: 34岁 → 30–39岁, 34 → 30-39;
- anything else, or a value with nothing to keep, falls back to ``redact``
  (``[TYPE]`` or the ``placeholder`` param).
"""

from __future__ import annotations

import re
from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from ._params import Params, entity_type, optional_str
from .entity_kinds import Kind, has_cjk, kind_of
from .redact import Redact, placeholder_for

NO_CITY = "某地"
_MUNICIPALITY = re.compile(r"(北京|上海|天津|重庆)(市?)")
_PROVINCE = r"(?:[^\s省市]{2,3}省|[^\s省市区]{2,7}(?:自治区|特别行政区))"
_CITY_BODY = r"[^\s省市区县镇乡村路街道号]{1,7}?"
_CITY = re.compile(rf"(?:{_PROVINCE})?{_CITY_BODY}(?:市|自治州|地区|盟)")
_CITY_ZHOU = re.compile(rf"(?:{_PROVINCE})?{_CITY_BODY}州")
_PROVINCE_ONLY = re.compile(_PROVINCE)
_ZH_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:1[89]|20)\d{2})(?!\d)")
_AGE = re.compile(r"\d{1,3}")


def city_of(address: str) -> str | None:
    """The province+city prefix of a Chinese address, or ``None``."""
    text = address.strip()
    municipality = _MUNICIPALITY.match(text)
    if municipality:
        return municipality.group(0)
    for pattern in (_CITY, _CITY_ZHOU, _PROVINCE_ONLY):
        found = pattern.match(text)
        if found:
            return found.group(0)
    return None


def generalize_address(address: str) -> str | None:
    if has_cjk(address):
        return city_of(address) or NO_CITY
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if len(parts) == 1 and not any(c.isdigit() for c in parts[0]):
        return parts[0]
    kept = [" ".join(w for w in p.split() if not any(c.isdigit() for c in w)) for p in parts[1:]]
    kept = [p for p in kept if p]
    return ", ".join(kept) if kept else None


def generalize_date(value: str) -> str | None:
    zh = _ZH_YEAR.search(value)
    if zh:
        return f"{zh.group(1)}年"
    year = _YEAR.search(value)
    return year.group(1) if year else None


def generalize_age(value: str) -> str | None:
    number = _AGE.search(value)
    if not number:
        return None
    low = int(number.group(0)) // 10 * 10
    return f"{low}–{low + 9}岁" if has_cjk(value) else f"{low}-{low + 9}"


class Generalize(Operator):
    """Params: ``placeholder`` (optional, for the redact fallback); ``entity_type``."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        kind = kind_of(entity_type(params))
        result: str | None = None
        if kind is Kind.ADDRESS:
            result = generalize_address(text)
        elif kind is Kind.DATE:
            result = generalize_date(text)
        elif kind is Kind.AGE:
            result = generalize_age(text)
        return result if result is not None else placeholder_for(params)

    def validate(self, params: Params | None = None) -> None:
        entity_type(params)
        optional_str(params, Redact.PLACEHOLDER)

    def operator_name(self) -> str:
        return "generalize"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
