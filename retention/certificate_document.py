"""The deletion certificate: NIST SP 800-88 Rev. 1's sample certificate (Appendix G),
adapted to a dataset whose copies are objects in storage backends rather than media.

Its sections map onto the sample's: who performed the sanitisation (`performed_by`), the
media (`subject`: the dataset, its tenant, contract and every copy), the sanitisation
(`sanitisation`: category Purge by deletion of every object version and cryptographic
erase of the dataset key), its verification (`verification`), and the signature (here
Ed25519 by the instance over the canonical JSON, instead of a hand signature). The audit
section ties it to the verifiable log: the range of events the purge wrote and the
log's signed checkpoint covering them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field

from airlock_client.bundle_verifier import canonical_json
from airlock_client.evidence_verifier import CERTIFICATE_FORMAT as FORMAT


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Issuer(_Frozen):
    instance: str
    key_id: str
    public_key: str
    """PEM: the certificate can be checked with nothing but this file."""


class Performer(_Frozen):
    actor: str
    role: str


class ContractRef(_Frozen):
    id: str | None
    name: str | None
    version: int | None


class CopyDeleted(_Frozen):
    kind: str
    backend: str
    count: int
    bytes: int
    ids_sha256: str | None = Field(default=None, exclude_if=lambda value: value is None)
    """`copies_digest` of these copies' ids: every copy named, in 64 characters however
    many shards there are. Certificates issued before it lack the field, and keep their
    signed bytes: it is left out of them, not written as null."""


class Subject(_Frozen):
    dataset_id: str
    tenant_id: str
    tenant_name: str | None
    contract: ContractRef
    upload_sha256: str | None
    upload_bytes: int | None
    items: int | None
    copies: list[CopyDeleted]


class Sanitisation(_Frozen):
    category: str = "purge"
    """NIST SP 800-88's category: clear, purge or destroy."""
    method: str = ("deletion of every version of every object of the dataset, and of its "
                   "unfinished writes, in every backend, and cryptographic erase of its data "
                   "key")
    cause: str
    versions_deleted: int
    leftovers_deleted: int
    """Objects found under the dataset's prefix that no copy record named, and writes of
    the dataset never completed (temporary files, unfinished multipart uploads)."""
    key_id_destroyed: str | None


class Timeline(_Frozen):
    uploaded: datetime
    training_started: datetime | None
    training_completed: datetime | None
    due: datetime
    purge_started: datetime
    purged: datetime


class Verification(_Frozen):
    method: str = ("listing of the dataset's prefix in every backend; the data key record "
                   "checked destroyed and its unwrapping refused; every registered copy "
                   "checked unreadable (no key, no object listed)")
    passed: bool
    objects_left: int
    key_destroyed: bool
    reads_failed: int
    """Registered copies that cannot be read, as it must be: all of them."""
    reads_attempted: int
    verified_at: datetime


class CheckpointRef(_Frozen):
    tree_size: int
    root_hash: str
    at: datetime
    key_id: str
    signature: str


class AuditRef(_Frozen):
    first_seq: int
    """The event that recorded the purge's intent."""
    last_seq: int
    """The last event before the certificate; the checkpoint covers it."""
    checkpoint: CheckpointRef


class DeletionCertificate(_Frozen):
    format: str = FORMAT
    certificate_id: str
    issued_at: datetime
    issuer: Issuer
    performed_by: Performer
    subject: Subject
    sanitisation: Sanitisation
    timeline: Timeline
    verification: Verification
    audit: AuditRef
    signature: str = Field(default="", description="Base64 Ed25519 over the canonical JSON "
                                                   "of every other field.")

    def signed_bytes(self) -> bytes:
        return canonical(self.model_dump(mode="json", exclude={"signature"}))

    def sha256(self) -> str:
        return hashlib.sha256(canonical(self.model_dump(mode="json"))).hexdigest()


def copies_digest(copy_ids: Iterable[str]) -> str:
    """SHA-256 over the ids in code-point order, each followed by a newline; the catalog
    keeps every copy's row after the purge, so the list can be hashed again and compared."""
    digest = hashlib.sha256()
    for copy_id in sorted(copy_ids):
        digest.update(copy_id.encode() + b"\n")
    return digest.hexdigest()


def canonical(body: dict[str, Any]) -> bytes:
    return canonical_json(body)


def sign(certificate: DeletionCertificate, signature: bytes) -> DeletionCertificate:
    return certificate.model_copy(update={"signature": base64.b64encode(signature).decode()})


def signature_valid(certificate: DeletionCertificate, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(certificate.signature, validate=True),
                          certificate.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True


def render_text(certificate: DeletionCertificate) -> str:
    """The certificate as a person reads it (the JSON is what is signed)."""
    c = certificate
    s, t, v, a = c.subject, c.timeline, c.verification, c.audit
    contract = (f"{s.contract.name} v{s.contract.version} ({s.contract.id})"
                if s.contract.id else "none")
    copies = "\n".join(f"    {x.kind:<11} {x.backend:<6} {x.count:>6} "
                       f"{'object ' if x.count == 1 else 'objects'} {x.bytes:>14,} bytes"
                       + (f"\n      ids SHA-256 {x.ids_sha256}" if x.ids_sha256 else "")
                       for x in s.copies) or "    none registered"
    lines = [
        "CERTIFICATE OF DATA DELETION (after NIST SP 800-88 Rev. 1, Appendix G)",
        f"Certificate     {c.certificate_id}   issued {c.issued_at.isoformat()}",
        f"Issued by       instance {c.issuer.instance}, key {c.issuer.key_id}",
        f"Performed by    {c.performed_by.actor} ({c.performed_by.role})",
        "",
        "Subject",
        f"  Dataset       {s.dataset_id}",
        f"  Tenant        {s.tenant_name or ''} ({s.tenant_id})",
        f"  Contract      {contract}",
        f"  Upload        {s.upload_bytes:,} bytes, SHA-256 {s.upload_sha256}"
        if s.upload_sha256 is not None and s.upload_bytes is not None
        else "  Upload        never completed (no digest recorded)",
        f"  Items         {s.items if s.items is not None else '-'}",
        "  Copies deleted",
        copies,
        "",
        "Sanitisation",
        f"  Category      {c.sanitisation.category}  (cause: {c.sanitisation.cause})",
        f"  Method        {c.sanitisation.method}",
        f"  Versions      {c.sanitisation.versions_deleted} deleted, "
        f"{c.sanitisation.leftovers_deleted} unregistered leftovers (temporary files and "
        "unfinished uploads included)",
        f"  Key destroyed {c.sanitisation.key_id_destroyed or '-'}",
        "",
        "Timeline",
        f"  Uploaded           {t.uploaded.isoformat()}",
        f"  Training started   {t.training_started.isoformat() if t.training_started else '-'}",
        f"  Training completed "
        f"{t.training_completed.isoformat() if t.training_completed else '-'}",
        f"  Due                {t.due.isoformat()}",
        f"  Purge started      {t.purge_started.isoformat()}",
        f"  Purged             {t.purged.isoformat()}",
        "",
        "Verification",
        f"  Result        {'PASSED' if v.passed else 'FAILED'} at {v.verified_at.isoformat()}",
        f"  Method        {v.method}",
        f"  Objects left  {v.objects_left}; key destroyed: {'yes' if v.key_destroyed else 'no'}; "
        f"reads failed {v.reads_failed} of {v.reads_attempted}",
        "",
        "Audit trail",
        f"  Events        {a.first_seq} to {a.last_seq}",
        f"  Checkpoint    tree size {a.checkpoint.tree_size}, root {a.checkpoint.root_hash}",
        f"                signed {a.checkpoint.at.isoformat()} by key {a.checkpoint.key_id}",
        "",
        f"Signature (Ed25519, base64)  {c.signature}",
    ]
    return "\n".join(lines) + "\n"
