from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError

from anonymize.operators import KeyedHash, OperatorKey, Redact
from tests.anonymize.operators.helpers import KEY, OTHER_KEY, run

REDACT = Redact()
HASH = KeyedHash()


@pytest.mark.parametrize(
    ("entity_type", "text", "params", "expected"),
    [
        ("PERSON", "张三", {}, "[PERSON]"),
        ("CN_PHONE", "13812345678", {}, "[CN_PHONE]"),
        ("US_SSN", "123-45-6789", {}, "[US_SSN]"),
        ("PERSON", "John", {"placeholder": "<姓名>"}, "<姓名>"),
    ],
)
def test_redact(entity_type: str, text: str, params: dict[str, Any], expected: str) -> None:
    assert run(REDACT, text, entity_type, **params) == expected


@pytest.mark.parametrize("params", [{"placeholder": ""}, {"placeholder": 5}, {"entity_type": None}])
def test_redact_validate_rejects(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamError):
        REDACT.validate({"entity_type": "PERSON", **params})


def _expected(key: bytes, normalised: str, length: int = 16) -> str:
    message = b"airlock.hash\x00" + normalised.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:length]


@pytest.mark.parametrize(
    ("entity_type", "text", "normalised"),
    [
        ("CN_PHONE", "13812345678", "13812345678"),
        ("CN_PHONE", "138 1234-5678", "13812345678"),
        ("PERSON", "张三", "张三"),
        ("PERSON", "  John   SMITH ", "john smith"),
        ("CN_ID", "11010519491231002x", "11010519491231002x"),
    ],
)
def test_hash_is_hmac_of_normalised_value(entity_type: str, text: str, normalised: str) -> None:
    assert run(HASH, text, entity_type, key=KEY) == _expected(KEY, normalised)


def test_hash_length_and_key_object() -> None:
    out = run(HASH, "13812345678", "CN_PHONE", key=OperatorKey(KEY), length=64)
    assert out == _expected(KEY, "13812345678", 64)
    assert len(run(HASH, "x", "PERSON", key=KEY, length=8)) == 8


def test_hash_depends_on_key() -> None:
    assert run(HASH, "13812345678", "CN_PHONE", key=KEY) != run(
        HASH, "13812345678", "CN_PHONE", key=OTHER_KEY
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"key": b"short"},
        {"key": bytes(31)},
        {"key": "a string key of more than 32 chars!!"},
        {"key": KEY, "length": 4},
        {"key": KEY, "length": 65},
        {"key": KEY, "entity_type": "unknown type"},
    ],
)
def test_hash_validate_rejects(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamError):
        HASH.validate({"entity_type": "CN_PHONE", **params})


@given(st.text(min_size=1, max_size=30))
def test_hash_is_hex(value: str) -> None:
    out = run(HASH, value, "PERSON", key=KEY)
    assert len(out) == 16
    int(out, 16)
