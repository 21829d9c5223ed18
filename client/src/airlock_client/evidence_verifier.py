"""Verifying Airlock's signed evidence, deletion certificates and intake receipts, with
nothing but the document and a public key. The server (which adds its pydantic
well-formedness check) and the light client run this one verifier; the console's script does
the same in the browser.

The signature is Ed25519 over the canonical JSON (`bundle_verifier.canonical_json`) of the
document as given, less its `signature` field, so any Ed25519 tool can repeat it. Before
that, the checks a reader can make without the server's models: the `format` is one this
verifier knows, the top-level fields are exactly the format's, each of the right JSON type,
and the issuer names its key; after it, that the key named is the key checked with."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from airlock_client.bundle_verifier import PublicKey, canonical_json, public_key_from_pem

CERTIFICATE_FORMAT = "airlock-deletion-certificate/1"
RECEIPT_FORMAT = "airlock-intake-receipt/1"
MAX_DOCUMENT_BYTES = 256 * 1024
"""Far above any real document (a certificate is about 3 KB); bounds what is parsed."""
MAX_KEY_CHARS = 4096
SIGNATURE_BYTES = 64


class MalformedError(ValueError):
    """Not a certificate or receipt, or not a key: nothing to verify (HTTP 422, exit 2)."""


@dataclass(frozen=True)
class DocumentKind:
    """What a format's documents hold at the top level, and where their ids are."""

    name: str
    format: str
    fields: Mapping[str, type]
    id_field: str
    dataset_path: tuple[str, ...]


_ISSUER = {"instance": str, "key_id": str, "public_key": str}
CERTIFICATE = DocumentKind(
    name="certificate", format=CERTIFICATE_FORMAT, id_field="certificate_id",
    dataset_path=("subject", "dataset_id"),
    fields={"format": str, "certificate_id": str, "issued_at": str, "issuer": dict,
            "performed_by": dict, "subject": dict, "sanitisation": dict, "timeline": dict,
            "verification": dict, "audit": dict, "signature": str})
RECEIPT = DocumentKind(
    name="receipt", format=RECEIPT_FORMAT, id_field="receipt_id", dataset_path=("dataset_id",),
    fields={"format": str, "receipt_id": str, "issued_at": str, "issuer": dict,
            "dataset_id": str, "tenant_id": str, "outcome": str, "checked_at": str,
            "upload": dict, "contract": dict, "counts": dict, "problems": dict,
            "signature": str})
KINDS = {kind.format: kind for kind in (CERTIFICATE, RECEIPT)}


@dataclass(frozen=True)
class Verdict:
    valid: bool
    kind: str
    """certificate or receipt."""
    key_id: str
    """The id of the key the signature was checked with."""
    document_id: str
    dataset_id: str
    finding: str
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
    """Strict JSON: one value per key, no NaN or Infinity (the browser reads it the same
    way); at most MAX_DOCUMENT_BYTES."""
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


def parse_public_key(text: str) -> PublicKey:
    """An Ed25519 key as SubjectPublicKeyInfo PEM, or its 32 raw bytes in base64."""
    text = text.strip()
    try:
        if len(text) > MAX_KEY_CHARS:
            raise ValueError("too long")
        if text.startswith("-----BEGIN"):
            return public_key_from_pem(text)
        return PublicKey(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error):
        raise MalformedError("the public key is neither an Ed25519 PEM key nor 32 raw bytes "
                             "in base64") from None


def document_kind(document: Any) -> DocumentKind:
    """The kind its `format` names; MalformedError for anything else."""
    if not isinstance(document, Mapping):
        raise MalformedError("the document is not a JSON object")
    found = KINDS.get(document.get("format"))  # type: ignore[arg-type]
    if found is None:
        raise MalformedError(f"the document's format is not one of {', '.join(KINDS)}")
    return found


def _check_fields(value: Mapping[str, Any], fields: Mapping[str, type], kind: str,
                  where: str) -> None:
    for name in sorted(set(fields) ^ set(value)):
        state = "lacks" if name in fields else "has an unknown field"
        raise MalformedError(f"the {kind} is malformed at {where}{name} (it {state} it)")
    for name, expected in fields.items():
        if not isinstance(value[name], expected):
            raise MalformedError(f"the {kind} is malformed at {where}{name} (not a "
                                 f"{'string' if expected is str else 'JSON object'})")


def check_structure(document: Any) -> DocumentKind:
    """The checks a reader can make without the server's models; MalformedError when one
    fails."""
    kind = document_kind(document)
    _check_fields(document, kind.fields, kind.name, "")
    _check_fields(document["issuer"], _ISSUER, kind.name, "issuer.")
    if not isinstance(_dataset_id(kind, document), str):
        raise MalformedError(f"the {kind.name} is malformed at {'.'.join(kind.dataset_path)}")
    return kind


def _dataset_id(kind: DocumentKind, document: Mapping[str, Any]) -> Any:
    value: Any = document
    for name in kind.dataset_path:
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def signed_payload(document: Mapping[str, Any]) -> bytes:
    """The exact bytes the instance signed: the canonical JSON of the document without its
    `signature` field."""
    try:
        return canonical_json({k: v for k, v in document.items() if k != "signature"})
    except ValueError:  # NaN, infinity, a lone surrogate (UnicodeEncodeError)
        raise MalformedError("the document cannot be put in canonical form") from None


def _signature(text: str) -> bytes | None:
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == SIGNATURE_BYTES else None


def named_key_id(document: Any) -> str | None:
    """The key id a certificate or receipt names as its issuer's, if it names one."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    key_id = issuer.get("key_id") if isinstance(issuer, dict) else None
    return key_id if isinstance(key_id, str) else None


def verify_document(document: Any, public_key: PublicKey | None) -> Verdict:
    """Check `document` (parsed JSON) with `public_key`, or, without one, with the key the
    document carries (then only its integrity is shown: compare the key id with the
    instance's published one). MalformedError when it is no certificate or receipt."""
    kind = check_structure(document)
    payload = signed_payload(document)
    issuer = document["issuer"]
    embedded = public_key is None
    key = parse_public_key(issuer["public_key"]) if public_key is None else public_key
    verdict = Verdict(valid=False, kind=kind.name, key_id=key.key_id,
                      document_id=document[kind.id_field],
                      dataset_id=_dataset_id(kind, document), finding="altered", reason="")
    signature = _signature(document["signature"])
    if signature is None or not key.verifies(signature, payload):
        return replace(verdict, reason=f"the signature does not match the {kind.name} with key "
                                     f"{key.key_id}: it was altered, or signed with another key")
    if issuer["key_id"] != key.key_id:
        return replace(verdict, finding="other_key",
                     reason=f"the {kind.name} names key {issuer['key_id']}, not key "
                            f"{key.key_id}")
    reason = f"the {kind.name} is intact and signed with key {key.key_id}"
    if embedded:
        reason += (" (the key it carries: compare that id with the instance's published "
                   "key id)")
    return replace(verdict, valid=True, finding="intact", reason=reason)
