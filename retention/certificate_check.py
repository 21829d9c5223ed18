"""Reading a dataset's deletion certificate back, and checking it against the instance's
key and the audit log as it is now."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from audit.checkpoints import root_at, signed_by_one_of
from catalog import NotFoundError, PurgeRecord, get_dataset
from retention.certificate_document import DeletionCertificate, signature_valid
from retention.signing import public_pem, signing_keys


class CertificateCheck(BaseModel):
    valid: bool
    certificate_id: str | None = None
    key_id: str | None = None
    tree_size: int | None = None
    problem: str | None = None


def stored_certificate(session: Session, dataset_id: str) -> DeletionCertificate:
    get_dataset(session, dataset_id)  # a clear error for an unknown dataset
    record = session.get(PurgeRecord, dataset_id)
    if record is None or record.certificate is None:
        raise NotFoundError("deletion certificate of dataset", dataset_id)
    return DeletionCertificate.model_validate_json(record.certificate)


def check_certificate(session: Session, dataset_id: str) -> CertificateCheck:
    """Signature by this instance's key (the one in use when it was issued: a retired key
    after a rotation), the checkpoint's signature, and the log's root at the checkpoint's
    size recomputed now: a log rewritten since would not match."""
    certificate = stored_certificate(session, dataset_id)
    keys = signing_keys(session) or {}
    public_key = keys.get(certificate.issuer.key_id)
    checkpoint = certificate.audit.checkpoint
    found = CertificateCheck(valid=False, certificate_id=certificate.certificate_id,
                             key_id=certificate.issuer.key_id, tree_size=checkpoint.tree_size)
    if public_key is None or public_pem(public_key) != certificate.issuer.public_key:
        return found.model_copy(update={"problem": "the certificate was not issued with this "
                                                   "instance's signing key"})
    if not signature_valid(certificate, public_key):
        return found.model_copy(update={"problem": "the certificate's signature does not "
                                                   "match its content (altered)"})
    if not signed_by_one_of(checkpoint, keys):
        return found.model_copy(update={"problem": "the audit checkpoint in the certificate "
                                                   "is not signed by this instance"})
    if root_at(session, checkpoint.tree_size).hex() != checkpoint.root_hash:
        return found.model_copy(update={"problem": f"the audit log's first "
                                                   f"{checkpoint.tree_size} events no longer "
                                                   "match the signed checkpoint (rewritten)"})
    return found.model_copy(update={"valid": True})
