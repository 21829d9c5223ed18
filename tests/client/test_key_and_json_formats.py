"""Property tests of the two wire formats the verifiers parse or produce: the Ed25519
SubjectPublicKeyInfo PEM (strict, and in agreement with `cryptography` on every key) and the
canonical JSON (the same bytes as the definition it replaced, for any JSON value)."""

from __future__ import annotations

import base64
import json
import textwrap
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from airlock_client.bundle_verifier import (
    ED25519_SPKI_PREFIX,
    PublicKey,
    canonical_json,
    ed25519_from_der,
    pem_der,
    public_key_from_pem,
    public_key_pem,
)
from retention.signing import key_id_of

seeds = st.binary(min_size=32, max_size=32)
UNSAYABLE = "Out of range float|surrogates not allowed"


def cryptography_pem(seed: bytes) -> tuple[str, bytes, Ed25519PrivateKey]:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, private.public_key().public_bytes_raw(), private


def _previous_definition(value: Any) -> bytes:
    """audit/canonical.py's function, as it was."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


@given(seeds)
def test_every_ed25519_pem_cryptography_writes_is_read(seed: bytes) -> None:
    pem, raw, private = cryptography_pem(seed)
    key = public_key_from_pem(pem)
    assert key.raw == raw and key.key_id == key_id_of(private.public_key())
    assert public_key_pem(key) == pem  # and written back byte for byte
    assert key.verifies(private.sign(b"note"), b"note")
    assert not key.verifies(private.sign(b"note"), b"other")


@given(seeds, st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\n", "  \n\n"]),
       st.integers(min_value=4, max_value=64).filter(lambda n: n % 4 == 0))
def test_line_endings_wrapping_and_surrounding_space_are_accepted(
        seed: bytes, newline: str, around: str, width: int) -> None:
    _, raw, _ = cryptography_pem(seed)
    body = textwrap.wrap(base64.b64encode(ED25519_SPKI_PREFIX + raw).decode(), width)
    pem = newline.join(["-----BEGIN PUBLIC KEY-----", *body, "-----END PUBLIC KEY-----"])
    assert public_key_from_pem(around + pem + around).raw == raw


@given(seeds, st.integers(min_value=0, max_value=43), st.integers(min_value=1, max_value=255))
def test_any_changed_prefix_byte_is_refused(seed: bytes, index: int, delta: int) -> None:
    _, raw, _ = cryptography_pem(seed)
    der = bytearray(ED25519_SPKI_PREFIX + raw)
    der[index] = (der[index] + delta) % 256
    if index < len(ED25519_SPKI_PREFIX):
        with pytest.raises(ValueError, match="not an Ed25519 key"):
            ed25519_from_der(bytes(der))
    else:  # a different key, still a well-formed one
        assert ed25519_from_der(bytes(der)).raw == bytes(der[len(ED25519_SPKI_PREFIX):])


@given(seeds, st.binary(max_size=8).filter(bool))
def test_trailing_or_missing_bytes_are_refused(seed: bytes, extra: bytes) -> None:
    _, raw, _ = cryptography_pem(seed)
    for der in (ED25519_SPKI_PREFIX + raw + extra, (ED25519_SPKI_PREFIX + raw)[:-len(extra)]):
        with pytest.raises(ValueError, match="not an Ed25519 key"):
            ed25519_from_der(der)


@given(st.text(max_size=300))
def test_arbitrary_text_is_refused_or_is_a_key(text: str) -> None:
    try:
        key = public_key_from_pem(text)
    except ValueError:
        return
    assert isinstance(key, PublicKey) and public_key_from_pem(public_key_pem(key)) == key


@pytest.mark.parametrize("other", [
    ec.generate_private_key(ec.SECP256R1()).public_key(),
    ed448.Ed448PrivateKey.generate().public_key(),
    rsa.generate_private_key(65537, 2048).public_key(),
])
def test_other_key_types_are_refused(other: Any) -> None:
    pem = other.public_bytes(serialization.Encoding.PEM,
                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        public_key_from_pem(pem)


@pytest.mark.parametrize("mangle", [
    lambda pem: pem.replace("PUBLIC KEY", "PRIVATE KEY"),
    lambda pem: "text before\n" + pem,
    lambda pem: pem + "text after\n",
    lambda pem: pem.replace("MCow", "MC!w"),
    lambda pem: pem.replace("\n-----END", "=\n-----END"),
    lambda pem: pem.replace("-----END PUBLIC KEY-----", ""),
    lambda pem: pem * 2,
    lambda pem: pem.replace("\n", "\n" + "A" * 80 + "\n", 1),
])
def test_malformed_pem_is_refused(mangle: Any) -> None:
    pem, _, _ = cryptography_pem(bytes(32))
    with pytest.raises(ValueError, match="not a PEM public key"):
        pem_der(mangle(pem))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30)


@given(json_values)
def test_canonical_json_is_the_previous_definition(value: Any) -> None:
    try:
        expected = _previous_definition(value)
    except ValueError:  # a lone surrogate cannot be UTF-8: refused by both
        with pytest.raises(ValueError, match=UNSAYABLE):
            canonical_json(value)
        return
    assert canonical_json(value) == expected
    assert json.loads(canonical_json(value)) == value


@given(st.dictionaries(st.text(max_size=8), st.integers(), max_size=8))
def test_canonical_json_ignores_key_order(value: dict[str, int]) -> None:
    shuffled = dict(reversed(list(value.items())))
    assert canonical_json(shuffled) == canonical_json(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"a": [float("-inf")]}, "\ud800"])
def test_what_json_cannot_say_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match=UNSAYABLE):
        canonical_json(value)
