"""``surname``: keep only the family name, as the contract requires (张三 → 张某)."""

from __future__ import annotations

import re
from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from anonymize.recognizers.person.surnames import surname_length

from ._params import Params, optional_str
from .entity_kinds import has_cjk

UNKNOWN_ZH = "某某"
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})


def surname_only(name: str, given_mark: str = "某") -> str:
    """张三 → 张某, 欧阳娜娜 → 欧阳某, 买买提·艾力 → 某某; "John Smith" → "S."."""
    text = name.strip()
    if has_cjk(text):
        n = surname_length(text)
        return text[:n] + given_mark if n else UNKNOWN_ZH
    return _latin(text)


def _latin(text: str) -> str:
    """The family name's initial, after any title: "Dr. Jane Doe" → "Dr. D."."""
    family_first = "," in text
    tokens = [t for t in re.split(r"[\s,]+", text) if t]
    title = ""
    if tokens and tokens[0].rstrip(".").casefold() in _TITLES:
        title = tokens.pop(0) + " "
    tokens = [t for t in tokens if t.rstrip(".").casefold() not in _SUFFIXES]
    tokens = [t for t in tokens if any(c.isalpha() for c in t)]
    if not tokens:
        return UNKNOWN_ZH
    family = tokens[0] if family_first else tokens[-1]
    initial = next(c for c in family if c.isalpha())
    return f"{title}{initial.upper()}."


class Surname(Operator):
    """Replace a person's name by its surname plus 某, or a Latin name by its family initial.

    Chinese: the surname (compound ones such as 欧阳 included, from
    ``anonymize.recognizers.person.surnames``) is kept and the given name becomes one
    ``given_mark`` (default 某), whatever its length; a name that does not start with a
    known surname becomes 某某. Latin script: the initial of the family name (the last word,
    or the first one when the name is written "Family, Given"), so "John Smith" → "S.";
    titles are kept, suffixes (Jr., III) dropped.

    Params: ``given_mark`` (optional, one character).
    """

    GIVEN_MARK = "given_mark"

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        mark = optional_str(params, self.GIVEN_MARK, single_char=True) or "某"
        return surname_only(text, mark)

    def validate(self, params: Params | None = None) -> None:
        optional_str(params, self.GIVEN_MARK, single_char=True)

    def operator_name(self) -> str:
        return "surname"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
