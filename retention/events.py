"""Audit events of the training lifecycle and of retention: ids, counts, hashes and dates.

Purposes are free text written into contracts, so events carry their SHA-256 only (the
contract holds the text). A legal hold's reason is written by a compliance officer for the
record and is kept, bounded and on one line."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import StringConstraints

from audit import AuditEvent, Count, Id, Name, Outcome, Sha256
from audit.events import KeyId

# Control characters, and the invisible ones that reorder or hide text when it is shown
# (bidi overrides and isolates, zero-width characters, line separators, the BOM).
_HIDDEN = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
Reason = Annotated[str, StringConstraints(min_length=3, max_length=200,
                                          pattern=f"^[^{_HIDDEN}]+$")]
"""One line of visible text, typed by a compliance officer (never taken from a dataset)."""


class TrainingStarted(AuditEvent):
    """The operator declared that training on the anonymised copy started, with the
    contract's authorised purpose."""

    action: ClassVar[str] = "training.started"
    tenant: Id
    dataset: Id
    contract_id: Id
    purpose_sha256: Sha256


class TrainingRefused(AuditEvent):
    """Training (or a read for training) was refused: the declared purpose is not the
    contract's authorised one, or the dataset is not ready."""

    action: ClassVar[str] = "training.refused"
    outcome: ClassVar[Outcome] = Outcome.DENIED
    tenant: Id
    dataset: Id
    purpose_sha256: Sha256
    reason: Name


class TrainingCompleted(AuditEvent):
    """Training finished; the purge is due `retention_days` later."""

    action: ClassVar[str] = "training.completed"
    tenant: Id
    dataset: Id
    retention_days: Count
    purge_due_at: datetime


class AnonymisedCopyRead(AuditEvent):
    """The operator read the anonymised copy for training, under the declared purpose."""

    action: ClassVar[str] = "training.copy_read"
    tenant: Id
    dataset: Id
    copy_id: Id
    purpose_sha256: Sha256


class LegalHoldPlaced(AuditEvent):
    """Compliance placed a legal hold: the dataset is not purged until it is released."""

    action: ClassVar[str] = "retention.hold_placed"
    tenant: Id
    dataset: Id
    hold_id: Id
    reason: Reason


class LegalHoldReleased(AuditEvent):
    """Compliance released a legal hold; the dataset is purged when due."""

    action: ClassVar[str] = "retention.hold_released"
    tenant: Id
    dataset: Id
    hold_id: Id
    reason: Reason


class PurgeStarted(AuditEvent):
    """The purge of a dataset began (its intent recorded before anything was deleted)."""

    action: ClassVar[str] = "retention.purge_started"
    tenant: Id
    dataset: Id
    cause: Name
    due_at: datetime
    copies: Count
    attempt: Count


class CopiesDeleted(AuditEvent):
    """A purge deleted the registered copies of one kind in one backend (every version; the
    copy ids stay in the catalog, marked deleted)."""

    action: ClassVar[str] = "retention.copies_deleted"
    tenant: Id
    dataset: Id
    kind: Name
    backend: Name
    copies: Count
    versions: Count


class PurgeFailed(AuditEvent):
    """A purge could not finish (a backend refused, or verification found something left);
    the dataset stays `purging` and the next sweep tries again."""

    action: ClassVar[str] = "retention.purge_failed"
    outcome: ClassVar[Outcome] = Outcome.FAILURE
    tenant: Id
    dataset: Id
    step: Name
    error: Name


class DatasetPurged(AuditEvent):
    """Every copy was deleted in every backend, the key destroyed and both verified; the
    deletion certificate was signed (its SHA-256 here)."""

    action: ClassVar[str] = "retention.purged"
    tenant: Id
    dataset: Id
    cause: Name
    copies: Count
    versions: Count
    leftovers: Count
    key_id: Id | None
    certificate_sha256: Sha256


class SweepRan(AuditEvent):
    """A retention sweep ran: how many datasets were due, purged, failed or held back."""

    action: ClassVar[str] = "retention.sweep"
    due: Count
    purged: Count
    failed: Count
    held: Count


class SigningKeyRotated(AuditEvent):
    """The instance signing key (certificates, receipts, audit checkpoints) was replaced; the
    old public key is kept, so what it signed stays verifiable by its key id. The checkpoint
    before this event is signed by the old key, the one after it by the new."""

    action: ClassVar[str] = "retention.signing_key_rotated"
    old_key_id: KeyId
    new_key_id: KeyId


RETENTION_EVENTS: tuple[type[AuditEvent], ...] = (
    TrainingStarted, TrainingRefused, TrainingCompleted, AnonymisedCopyRead,
    LegalHoldPlaced, LegalHoldReleased, PurgeStarted, CopiesDeleted, PurgeFailed,
    DatasetPurged, SweepRan, SigningKeyRotated,
)
