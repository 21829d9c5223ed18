"""Realistic replacement values, drawn deterministically from an HMAC-derived byte stream."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import string
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from anonymize.recognizers.zh_structured.checksums import id_check_char, luhn_valid

from .entity_kinds import Kind, has_cjk, is_cjk
from .generalize import city_of
from .name_lists import (
    EN_FIRST_NAMES,
    EN_LAST_NAMES,
    ID_REGION_CODES,
    ZH_GIVEN_CHARS,
    ZH_SURNAME_WEIGHTS,
)

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")
_CN_MOBILE = re.compile(r"(?:\+?86|0086)?1[3-9]\d{9}")
_ID_FIRST_BIRTH = date(1950, 1, 1)
_ID_BIRTH_DAYS = (date(2005, 12, 31) - _ID_FIRST_BIRTH).days


class Stream:
    """An endless deterministic byte stream: HMAC-SHA256(seed, counter) blocks."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self._counter = itertools.count()
        self._buffer = b""

    def _take(self, n: int) -> bytes:
        while len(self._buffer) < n:
            block = next(self._counter).to_bytes(8, "big")
            self._buffer += hmac.new(self.seed, block, hashlib.sha256).digest()
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def below(self, n: int) -> int:
        """An integer in [0, n); 64 bits per draw make the modulo bias negligible."""
        return int.from_bytes(self._take(8), "big") % n

    def choice(self, items: Sequence[str]) -> str:
        return items[self.below(len(items))]

    def weighted(self, items: Sequence[tuple[str, int]]) -> str:
        point = self.below(sum(w for _, w in items))
        for item, weight in items:
            if point < weight:
                return item
            point -= weight
        raise AssertionError("unreachable")

    def digits(self, n: int) -> str:
        return "".join(str(self.below(10)) for _ in range(n))


def person(value: str, s: Stream) -> str:
    if has_cjk(value):
        given = 1 if s.below(10) < 3 else 2
        return s.weighted(ZH_SURNAME_WEIGHTS) + "".join(
            s.choice(ZH_GIVEN_CHARS) for _ in range(given)
        )
    return f"{s.choice(EN_FIRST_NAMES)} {s.choice(EN_LAST_NAMES)}"


def _pour(layout: str, digits: str) -> str:
    """Put ``digits`` into the digit positions of ``layout`` (same count), rest kept."""
    it = iter(digits)
    return "".join(next(it) if c.isdigit() else c for c in layout)


def phone(value: str, s: Stream) -> str:
    compact = "".join(c for c in value if c.isdigit() or c == "+")
    digits = [c for c in value if c.isdigit()]
    if _CN_MOBILE.fullmatch(compact):
        prefix = "".join(digits[: len(digits) - 11])  # a kept 86 / 0086 country code
        mobile = "1" + str(3 + s.below(7)) + s.digits(9)
        return _pour(value, prefix + mobile)
    first = str(1 + s.below(9)) if digits and digits[0] != "0" else "0"
    return _pour(value, (first + s.digits(len(digits)))[: len(digits)])


def email(value: str, s: Stream) -> str:
    domain = value.rpartition("@")[2].strip().casefold()
    reserved = domain in _RESERVED_DOMAINS or domain.endswith(_RESERVED_TLDS)
    return f"user{s.seed.hex()[:8]}@{domain if reserved else 'example.com'}"


def cn_id(value: str, s: Stream) -> str:
    born = _ID_FIRST_BIRTH + timedelta(days=s.below(_ID_BIRTH_DAYS + 1))
    first17 = s.choice(ID_REGION_CODES) + born.strftime("%Y%m%d") + s.digits(3)
    return first17 + id_check_char(first17)


def luhn_check_digit(body: str) -> str:
    return next(d for d in "0123456789" if luhn_valid(body + d))


def card(value: str, s: Stream) -> str:
    digits = [c for c in value if c.isdigit()]
    if len(digits) < 2:
        return same_layout(value, s)
    body = digits[0] + s.digits(len(digits) - 2)
    return _pour(value, body + luhn_check_digit(body))


def plate(value: str, s: Stream) -> str:
    province, rest = (value[0], value[1:]) if value and is_cjk(value[0]) else ("", value)
    return province + same_layout(rest, s, letters=PLATE_LETTERS)


def address(value: str, s: Stream) -> str:
    number = 1 + s.below(299)
    if has_cjk(value):
        return f"{city_of(value) or '某市'}某区某路{number}号"
    return f"{number} Example Street"


def same_layout(value: str, s: Stream, letters: str = string.ascii_uppercase) -> str:
    """Digits → random digits, ASCII letters → random letters (case kept), rest kept."""
    out = []
    for c in value:
        if c.isascii() and c.isdigit():
            out.append(str(s.below(10)))
        elif c.isascii() and c.isalpha():
            letter = s.choice(letters)
            out.append(letter if c.isupper() else letter.lower())
        else:
            out.append(c)
    return "".join(out)


def passport(value: str, s: Stream) -> str:
    """Same layout; the leading document-type letter (E, G, P ...) is kept."""
    if value[:1].isascii() and value[:1].isalpha():
        return value[0] + same_layout(value[1:], s)
    return same_layout(value, s)


def fallback(entity_type: str, s: Stream) -> str:
    return f"<{entity_type}_{s.seed.hex()[:8]}>"


GENERATORS: dict[Kind, Callable[[str, Stream], str]] = {
    Kind.PERSON: person,
    Kind.PHONE: phone,
    Kind.EMAIL: email,
    Kind.CN_ID: cn_id,
    Kind.CARD: card,
    Kind.PLATE: plate,
    Kind.ADDRESS: address,
    Kind.PASSPORT: passport,
}
