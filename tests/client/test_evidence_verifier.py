"""The client's evidence verifier (PyNaCl) against documents the server signed (with
`cryptography`, through its real pipeline and purge): intact ones verify, one flipped byte
anywhere in the signed content or the signature fails, and what is not a certificate or
receipt is refused as malformed before any signature is checked."""

from __future__ import annotations

import base64
import copy
import json
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airlock.evidence import verify_document as server_verify
from airlock.instance import Instance
from airlock_client.bundle_verifier import PublicKey, public_key_pem
from airlock_client.evidence_verifier import (
    MalformedError,
    check_structure,
    load_json,
    parse_public_key,
    signed_payload,
    verify_document,
)
from catalog import receipt_body
from retention.signing import key_id_of, stored_public_key
from tests.airlock.test_receipts import purged_certificate, resigned, validated

OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture
def signed(instance: Instance) -> tuple[dict[str, Any], dict[str, Any], PublicKey]:
    """A rejected dataset's receipt and, once purged, its certificate, and the instance's
    key as a reader has it (its published PEM)."""
    dataset_id = validated(instance, broken=True)
    with instance.reading() as session:
        receipt = json.loads(receipt_body(session, dataset_id))
        stored = stored_public_key(session)
    assert stored is not None
    certificate = purged_certificate(instance, dataset_id)
    key = parse_public_key(receipt["issuer"]["public_key"])
    assert key.key_id == key_id_of(stored) == receipt["issuer"]["key_id"]
    return certificate, receipt, key


def test_server_signed_documents_verify_with_pynacl(
        signed: tuple[dict[str, Any], dict[str, Any], PublicKey]) -> None:
    certificate, receipt, key = signed
    for kind, document in (("certificate", certificate), ("receipt", receipt)):
        for with_key in (key, None):  # the published key, or the one the document carries
            verdict = verify_document(document, with_key)
            assert verdict.valid and verdict.finding == "intact" and verdict.kind == kind
            assert verdict.key_id == key.key_id
            assert verdict.dataset_id == receipt["dataset_id"]
        server = server_verify(document, key)
        assert server.model_dump() == verify_document(document, key).__dict__


def _flipped(document: dict[str, Any], position: int) -> dict[str, Any] | None:
    """The document with one byte of its signed JSON changed (bit 0 of an ASCII letter or
    digit), parsed back; None when the change breaks the JSON."""
    payload = bytearray(signed_payload(document))
    places = [i for i, byte in enumerate(payload) if chr(byte).isalnum()]
    index = places[position % len(places)]
    payload[index] ^= 1
    try:
        changed = json.loads(bytes(payload))
    except ValueError:
        return None
    changed["signature"] = document["signature"]
    return dict(changed)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0, max_value=10_000), which=st.sampled_from([0, 1]))
def test_one_flipped_byte_fails(signed: tuple[dict[str, Any], dict[str, Any], PublicKey],
                                position: int, which: int) -> None:
    document = (signed[0], signed[1])[which]
    changed = _flipped(document, position)
    if changed is None:
        return
    try:
        verdict = verify_document(changed, signed[2])
    except MalformedError:
        return  # a key or format renamed: refused before any signature check
    assert not verdict.valid and verdict.finding == "altered"


@pytest.mark.parametrize("byte", [0, 31, 63])
def test_a_flipped_signature_byte_fails(
        signed: tuple[dict[str, Any], dict[str, Any], PublicKey], byte: int) -> None:
    for document in signed[:2]:
        raw = bytearray(base64.b64decode(document["signature"]))
        raw[byte] ^= 0x80
        changed = {**document, "signature": base64.b64encode(bytes(raw)).decode()}
        assert not verify_document(changed, signed[2]).valid


def test_another_key_is_named(signed: tuple[dict[str, Any], dict[str, Any], PublicKey]
                              ) -> None:
    certificate, _, key = signed
    swapped = resigned(certificate, OTHER)
    assert not verify_document(swapped, key).valid
    carried = verify_document(swapped, None)
    assert carried.valid and carried.key_id != key.key_id  # compare with the published id
    other = PublicKey(OTHER.public_key().public_bytes_raw())
    named = verify_document(certificate, other)
    assert not named.valid and named.finding == "altered"
    renamed = copy.deepcopy(swapped)  # signed by OTHER, naming another key than OTHER's
    renamed["issuer"]["key_id"] = "0" * 16
    renamed["signature"] = base64.b64encode(OTHER.sign(signed_payload(renamed))).decode()
    finding = verify_document(renamed, other)
    assert not finding.valid and finding.finding == "other_key"


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.pop("audit"), "audit"),
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d.update(certificate_id=7), "certificate_id"),
    (lambda d: d["issuer"].pop("key_id"), "issuer.key_id"),
    (lambda d: d.update(subject={"dataset_id": None}), "subject.dataset_id"),
    (lambda d: d.update(format="airlock-deletion-certificate/2"), "format"),
])
def test_malformed_certificates_are_refused(
        signed: tuple[dict[str, Any], dict[str, Any], PublicKey], change: Any,
        where: str) -> None:
    document = copy.deepcopy(signed[0])
    change(document)
    with pytest.raises(MalformedError, match=re.escape(where)):
        check_structure(document)
    with pytest.raises(MalformedError, match=re.escape(where)):
        verify_document(document, signed[2])


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}', '{"a": NaN}', "[1, 2", "\xff", "1" * 5000, "[" * 100_000])
def test_strict_json_is_required(text: str) -> None:
    with pytest.raises(MalformedError):
        load_json(text)


def test_keys_are_pem_or_raw_base64() -> None:
    raw = OTHER.public_key().public_bytes_raw()
    pem = public_key_pem(PublicKey(raw))
    assert parse_public_key(pem).raw == raw
    assert parse_public_key(base64.b64encode(raw).decode()).raw == raw
    for bad in ("", "abc", base64.b64encode(raw[:31]).decode(), pem.replace("PUBLIC", "PRIVATE")):
        with pytest.raises(MalformedError):
            parse_public_key(bad)
