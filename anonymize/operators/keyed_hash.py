"""``hash``: keyed HMAC-SHA256, truncated to ``length`` hex characters.

A plain hash of a phone number is reversed by hashing all 10^11 numbers; HMAC with a
secret key is not. Registering it replaces Presidio's (unkeyed) operator of that name.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from ._params import Params, entity_type, key_bytes, optional_int
from .entity_kinds import normalise

DEFAULT_LENGTH = 16
_DOMAIN = b"airlock.hash\x00"


def keyed_hash(key: bytes, value: str, entity_type: str, length: int = DEFAULT_LENGTH) -> str:
    """First ``length`` hex characters of HMAC-SHA256(key, "airlock.hash" 0 normalised value).

    The entity type only chooses the normalisation; it is not hashed, so one phone number
    hashes alike whether tagged CN_PHONE or PHONE_NUMBER.
    """
    message = _DOMAIN + normalise(value, entity_type).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:length]


class KeyedHash(Operator):
    """Params: ``key`` (bytes or ``OperatorKey``, ≥ 32 bytes, required); ``length``
    (8–64 hex characters, default 16); ``entity_type`` (set by the engine)."""

    LENGTH = "length"

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        length = optional_int(params, self.LENGTH, 8, 64) or DEFAULT_LENGTH
        return keyed_hash(key_bytes(params), text, entity_type(params), length)

    def validate(self, params: Params | None = None) -> None:
        key_bytes(params)
        entity_type(params)
        optional_int(params, self.LENGTH, 8, 64)

    def operator_name(self) -> str:
        return "hash"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
