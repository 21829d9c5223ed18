"""Parameter checks shared by the operators' ``validate`` methods."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from presidio_anonymizer.entities import InvalidParamError

from .keys import MIN_KEY_BYTES, OperatorKey

Params = Mapping[str, Any]

KEY = "key"
ENTITY_TYPE = "entity_type"

_ENTITY_TYPE_RE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


def entity_type(params: Params | None) -> str:
    """The entity type the engine put in ``params``; upper-case letters, digits, ``_``."""
    value = (params or {}).get(ENTITY_TYPE)
    if not isinstance(value, str) or not _ENTITY_TYPE_RE.fullmatch(value):
        raise InvalidParamError(
            f"Invalid input, {ENTITY_TYPE} must be an upper-case entity type like PERSON"
        )
    return value


def key_bytes(params: Params | None) -> bytes:
    """The HMAC key: ``OperatorKey`` or raw ``bytes`` of at least 32 bytes."""
    value = (params or {}).get(KEY)
    if isinstance(value, OperatorKey):
        return value.secret()
    if not isinstance(value, bytes):
        raise InvalidParamError(f"Invalid input, {KEY} must be bytes or an OperatorKey")
    if len(value) < MIN_KEY_BYTES:
        raise InvalidParamError(f"Invalid input, {KEY} must be at least {MIN_KEY_BYTES} bytes")
    return value


def optional_str(params: Params | None, name: str, *, single_char: bool = False) -> str | None:
    value = (params or {}).get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidParamError(f"Invalid input, {name} must be a non-empty string")
    if single_char and len(value) != 1:
        raise InvalidParamError(f"Invalid input, {name} must be a character")
    return value


def optional_int(params: Params | None, name: str, low: int, high: int) -> int | None:
    value = (params or {}).get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParamError(f"Invalid input, {name} must be an integer in [{low}, {high}]")
    return value


def optional_bool(params: Params | None, name: str) -> bool | None:
    value = (params or {}).get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InvalidParamError(f"Invalid input, {name} must be a boolean")
    return value
