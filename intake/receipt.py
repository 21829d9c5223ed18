"""The intake receipt: evidence, signed by the instance, of what a client delivered and what
validation found, for disputes about data quality.

It carries ids, the upload's digest and size, the contract, counts and problems counted per
rule: no file names, no places, no label content, so it is kept after the purge. Signed with
the instance's Ed25519 key over the canonical JSON of every field but `signature`, like a
deletion certificate; verified by the same verifier."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from airlock_client.bundle_verifier import canonical_json
from airlock_client.evidence_verifier import RECEIPT_FORMAT as FORMAT
from audit import Transaction
from audit.checkpoints import origin_of
from catalog import Dataset, IntakeReceiptRecord, new_id
from intake.report import ValidationReport


class ReceiptSigner(Protocol):
    """The instance's signer (`retention.InstanceSigner`), passed in: intake signs with it
    but does not own the key."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_pem(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReceiptIssuer(_Frozen):
    instance: str
    key_id: str
    public_key: str
    """PEM: the receipt can be checked with nothing but this file (and the key published)."""


class ReceiptUpload(_Frozen):
    sha256: str
    bytes: int


class ReceiptContract(_Frozen):
    id: str
    name: str
    version: int


class ReceiptCounts(_Frozen):
    archive_entries: int
    images: int
    items: int
    """Valid images: what the dataset holds if accepted."""
    image_bytes: int
    label_files: int
    labels: int
    distinct_classes: int


class ReceiptProblems(_Frozen):
    errors: int
    warnings: int
    rules: dict[str, int]
    """Problems counted by rule id; never where they were (places are file names)."""


class IntakeReceipt(_Frozen):
    format: str = FORMAT
    receipt_id: str
    issued_at: datetime
    issuer: ReceiptIssuer
    dataset_id: str
    tenant_id: str
    outcome: Literal["accepted", "rejected"]
    checked_at: datetime
    upload: ReceiptUpload
    contract: ReceiptContract
    counts: ReceiptCounts
    problems: ReceiptProblems
    signature: str = Field(default="", description="Base64 Ed25519 over the canonical JSON "
                                                   "of every other field.")

    def signed_bytes(self) -> bytes:
        return canonical_json(self.model_dump(mode="json", exclude={"signature"}))


def issue_receipt(tx: Transaction, dataset: Dataset, report: ValidationReport,
                  signer: ReceiptSigner, now: datetime) -> IntakeReceipt:
    """Sign the receipt of `report` and store it in the caller's unit of work (the one that
    records the outcome, so there is never an outcome without its receipt)."""
    summary = report.summary
    unsigned = IntakeReceipt(
        receipt_id=new_id(), issued_at=now,
        issuer=ReceiptIssuer(instance=origin_of(signer.key_id), key_id=signer.key_id,
                             public_key=signer.public_pem),
        dataset_id=dataset.id, tenant_id=dataset.tenant_id, outcome=report.outcome,
        checked_at=datetime.fromisoformat(report.checked_at),
        upload=ReceiptUpload(sha256=report.upload_sha256, bytes=report.upload_bytes),
        contract=ReceiptContract(id=report.contract_id, name=report.contract_name,
                                 version=report.contract_version),
        counts=ReceiptCounts(archive_entries=summary.archive_entries, images=summary.images,
                             items=summary.items, image_bytes=summary.image_bytes,
                             label_files=summary.label_files, labels=summary.labels,
                             distinct_classes=summary.distinct_classes),
        problems=ReceiptProblems(errors=report.errors, warnings=report.warnings,
                                 rules=dict(sorted(report.rules.items()))))
    receipt = unsigned.model_copy(update={"signature": base64.b64encode(
        signer.sign(unsigned.signed_bytes())).decode()})
    tx.session.add(IntakeReceiptRecord(dataset_id=dataset.id, receipt_id=receipt.receipt_id,
                                       outcome=receipt.outcome, issued_at=now,
                                       body=receipt.model_dump_json()))
    return receipt


def render_receipt_text(receipt: IntakeReceipt) -> str:
    """The receipt as a person reads it (the JSON is what is signed)."""
    r = receipt
    c, p = r.counts, r.problems
    rules = "\n".join(f"    {rule:<36} {count:>8}" for rule, count in p.rules.items()) \
        or "    none"
    lines = [
        "INTAKE RECEIPT",
        f"Receipt         {r.receipt_id}   issued {r.issued_at.isoformat()}",
        f"Issued by       instance {r.issuer.instance}, key {r.issuer.key_id}",
        "",
        f"Dataset         {r.dataset_id}",
        f"Tenant          {r.tenant_id}",
        f"Contract        {r.contract.name} v{r.contract.version} ({r.contract.id})",
        f"Upload          {r.upload.bytes:,} bytes, SHA-256 {r.upload.sha256}",
        f"Outcome         {r.outcome.upper()} (checked {r.checked_at.isoformat()})",
        "",
        "Counts",
        f"  Archive entries {c.archive_entries}",
        f"  Images          {c.images}",
        f"  Items           {c.items} ({c.image_bytes:,} bytes)",
        f"  Label files     {c.label_files}",
        f"  Labels          {c.labels}",
        f"  Classes         {c.distinct_classes}",
        "",
        f"Problems        {p.errors} errors, {p.warnings} warnings; by rule:",
        rules,
        "",
        f"Signature (Ed25519, base64)  {r.signature}",
    ]
    return "\n".join(lines) + "\n"
