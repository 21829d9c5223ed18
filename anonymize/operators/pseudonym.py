"""``pseudonym``: consistent keyed pseudonyms that look like the real thing.

seed = HMAC-SHA256(key, "airlock.pseudonym" 0 TYPE 0 normalised value); every choice is
drawn from a stream keyed by that seed, so the same value, type and key always give the
same pseudonym, in any process, and no mapping table is stored. Normalisation: NFC,
whitespace collapsed, case-folded, separators dropped for numeric identifiers.

Formats: PERSON → Chinese name for Chinese input (frequency-weighted surname + 1–2 common
given-name characters), "First Last" otherwise; phones → a CN mobile (1[3-9] + 9 digits)
when the input is one, else the input's layout with new digits; e-mail →
``user<hex8>@example.com`` (reserved domains such as example.org kept); CN_ID → a valid
ID (real region code, valid birth date, GB 11643 check character); cards → same length
and grouping, first digit kept, Luhn-valid; CN_PLATE → same province character, new
letters/digits in the same layout; addresses → city kept, rest placeholder
(广东省深圳市某区某路12号); CN_PASSPORT → same layout; other types → ``<TYPE_hash8>``.

Distinct values may collide (about 1 in 10^4 for Chinese names); accept that.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from ._params import Params, entity_type, key_bytes
from .entity_kinds import kind_of, normalise
from .pseudonym_formats import GENERATORS, Stream, fallback

_DOMAIN = b"airlock.pseudonym\x00"


def pseudonym(key: bytes, value: str, entity_type: str) -> str:
    """The pseudonym of ``value`` of type ``entity_type`` under ``key``."""
    message = _DOMAIN + entity_type.encode() + b"\x00" + normalise(value, entity_type).encode()
    stream = Stream(hmac.new(key, message, hashlib.sha256).digest())
    generator = GENERATORS.get(kind_of(entity_type))
    return generator(value, stream) if generator else fallback(entity_type, stream)


class Pseudonym(Operator):
    """Params: ``key`` (bytes or ``OperatorKey``, ≥ 32 bytes, required);
    ``entity_type`` (set by the engine)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return pseudonym(key_bytes(params), text, entity_type(params))

    def validate(self, params: Params | None = None) -> None:
        key_bytes(params)
        entity_type(params)

    def operator_name(self) -> str:
        return "pseudonym"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
