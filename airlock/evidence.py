"""Verifying signed evidence (deletion certificates and intake receipts) with nothing but
the document and a public key: one function for the API, the CLI and the console's
no-script path. The console's script does the same in the browser (static/verify.js).

The signature check is the light client's (`airlock_client.evidence_verifier`), so a client
and the server reach the same verdict; here the document must also be a well-formed
certificate or receipt by the server's own models."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from airlock_client.bundle_verifier import PublicKey
from airlock_client.evidence_verifier import (
    CERTIFICATE_FORMAT,
    RECEIPT_FORMAT,
    MalformedError,
    document_kind,
    named_key_id,
    parse_public_key,
)
from airlock_client.evidence_verifier import verify_document as verify_signature
from intake.receipt import IntakeReceipt
from retention.certificate_document import DeletionCertificate
from retention.signing import signing_keys, stored_public_key

if TYPE_CHECKING:
    from airlock.instance import Instance

Kind = Literal["certificate", "receipt"]
KINDS: dict[str, tuple[Kind, type[BaseModel]]] = {
    CERTIFICATE_FORMAT: ("certificate", DeletionCertificate),
    RECEIPT_FORMAT: ("receipt", IntakeReceipt),
}


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


def verify_document(document: Any, public_key: PublicKey | None) -> Verdict:
    """Check `document` (parsed JSON) with `public_key`, or, without one, with the key the
    document carries. MalformedError when it is no well-formed certificate or receipt."""
    kind, model = KINDS[document_kind(document).format]
    try:
        model.model_validate(document)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise MalformedError(f"the {kind} is malformed at {where or 'its top level'}") \
            from None
    return Verdict.model_validate(asdict(verify_signature(document, public_key)))


def verify_with(instance: Instance, document: Any, public_key: str | None) -> Verdict:
    """The shared verifier with the given key, else this instance's: the one the document
    names when the instance signed with it (a key retired by a rotation too), else the
    current one (the API and the console's no-script form)."""
    if public_key is not None and public_key.strip():
        return verify_document(document, parse_public_key(public_key))
    with instance.reading() as session:
        keys = signing_keys(session)
        current = stored_public_key(session)
    if keys is None or current is None:
        raise MalformedError("this instance has signed nothing yet: give the public key "
                             "to check with")
    chosen = keys.get(named_key_id(document) or "", current)
    return verify_document(document, PublicKey(chosen.public_bytes_raw()))
