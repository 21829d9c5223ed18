"""Verifying signed evidence (deletion certificates and intake receipts) with nothing but
the document and a public key: one function for the API, the CLI and the console's
no-script path. The console's script does the same in the browser (static/verify.js).

The signature is checked over the canonical JSON (`audit.canonical`) of the document as
given, less its `signature` field, so any Ed25519 tool can repeat it; the document must
also be a well-formed certificate or receipt (its `format` says which), and name the key
it is checked with."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError

from audit.canonical import canonical_json
from intake.receipt import FORMAT as RECEIPT_FORMAT
from intake.receipt import IntakeReceipt
from retention.certificate_document import FORMAT as CERTIFICATE_FORMAT
from retention.certificate_document import DeletionCertificate
from retention.signing import key_id_of, stored_public_key

if TYPE_CHECKING:
    from airlock.instance import Instance

Kind = Literal["certificate", "receipt"]
KINDS: dict[str, tuple[Kind, type[BaseModel]]] = {
    CERTIFICATE_FORMAT: ("certificate", DeletionCertificate),
    RECEIPT_FORMAT: ("receipt", IntakeReceipt),
}
MAX_DOCUMENT_BYTES = 256 * 1024
"""Far above any real document (a certificate is about 3 KB); bounds what a public
endpoint parses."""


class MalformedError(ValueError):
    """Not a certificate or receipt, or not a key: nothing to verify (422, exit 2)."""


class Verdict(BaseModel):
    valid: bool
    kind: Kind
    key_id: str
    """The id of the key the signature was checked with."""
    document_id: str
    """The certificate's or receipt's id."""
    dataset_id: str
    finding: Literal["intact", "altered", "other_key"]
    """intact; altered (the signature does not match: content changed, or another key
    signed it); other_key (intact, but it names another key than the one checked with)."""
    reason: str


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise MalformedError("the JSON repeats a key in one object")
    return found


def _no_constants(name: str) -> Any:
    raise MalformedError(f"the JSON holds {name}, which is not JSON")


def load_json(text: str | bytes) -> Any:
    """Strict JSON: one object per key, no NaN or Infinity (the browser reads it the same
    way)."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise MalformedError(f"the document is over {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constants)
    except MalformedError:
        raise
    except ValueError as exc:  # bad JSON, bad UTF-8, an integer over Python's 4300 digits
        raise MalformedError(f"the document is not JSON ({type(exc).__name__})") from None
    except RecursionError:
        raise MalformedError("the document is nested too deeply") from None


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A PEM (SubjectPublicKeyInfo) Ed25519 key, or its 32 raw bytes in base64."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            loaded = serialization.load_pem_public_key(text.encode())
            if not isinstance(loaded, Ed25519PublicKey):
                raise MalformedError("the public key is not an Ed25519 key")
            return loaded
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except MalformedError:
        raise
    except (ValueError, binascii.Error, TypeError):
        raise MalformedError("the public key is neither an Ed25519 PEM key nor 32 raw bytes "
                             "in base64") from None


def signed_payload(document: Mapping[str, Any]) -> bytes:
    """The exact bytes the instance signed: the canonical JSON of the document without its
    `signature` field."""
    try:
        return canonical_json({k: v for k, v in document.items() if k != "signature"})
    except (ValueError, UnicodeEncodeError):
        raise MalformedError("the document cannot be put in canonical form") from None


def verify_document(document: Any, public_key: Ed25519PublicKey | None) -> Verdict:
    """Check `document` (parsed JSON) with `public_key`, or, without one, with the key the
    document carries (then only its integrity is shown: compare the key id with the
    instance's published one). MalformedError when it is no certificate or receipt."""
    if not isinstance(document, Mapping):
        raise MalformedError("the document is not a JSON object")
    found = KINDS.get(document.get("format"))  # type: ignore[arg-type]
    if found is None:
        raise MalformedError(f"the document's format is not one of {', '.join(KINDS)}")
    kind, model = found
    try:
        parsed: Any = model.model_validate(document)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise MalformedError(f"the {kind} is malformed at {where or 'its top level'}") \
            from None
    payload = signed_payload(document)
    embedded = public_key is None
    key = parse_public_key(parsed.issuer.public_key) if public_key is None else public_key
    key_id = key_id_of(key)
    document_id = parsed.certificate_id if kind == "certificate" else parsed.receipt_id
    dataset_id = parsed.subject.dataset_id if kind == "certificate" else parsed.dataset_id
    verdict = Verdict(valid=False, kind=kind, key_id=key_id, document_id=document_id,
                      dataset_id=dataset_id, finding="altered", reason="")
    try:
        key.verify(base64.b64decode(parsed.signature, validate=True), payload)
    except (InvalidSignature, ValueError, binascii.Error):
        return verdict.model_copy(update={
            "reason": f"the signature does not match the {kind} with key {key_id}: it was "
                      "altered, or signed with another key"})
    if parsed.issuer.key_id != key_id:
        return verdict.model_copy(update={
            "finding": "other_key",
            "reason": f"the {kind} names key {parsed.issuer.key_id}, not key {key_id}"})
    reason = f"the {kind} is intact and signed with key {key_id}"
    if embedded:
        reason += (" (the key it carries: compare that id with the instance's published "
                   "key id)")
    return verdict.model_copy(update={"valid": True, "finding": "intact", "reason": reason})


def verify_with(instance: Instance, document: Any, public_key: str | None) -> Verdict:
    """The shared verifier with the given key, else this instance's (the API and the
    console's no-script form)."""
    if public_key is not None and public_key.strip():
        key = parse_public_key(public_key)
    else:
        with instance.reading() as session:
            stored = stored_public_key(session)
        if stored is None:
            raise MalformedError("this instance has signed nothing yet: give the public key "
                                 "to check with")
        key = stored
    return verify_document(document, key)
