"""Audit events of intake: counts and rule ids, never label content or file names."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from audit import AuditEvent, Count, Id, Name, Outcome, Sha256


class ContractAdded(AuditEvent):
    """A contract file was added for a tenant: a new version, or the unchanged latest one."""

    action: ClassVar[str] = "contract.added"
    tenant: Id
    contract_id: Id
    name: Name
    version: Count
    new_version: bool


class UploadReceived(AuditEvent):
    """An upload was streamed, encrypted, into the vault as the dataset's raw copy."""

    action: ClassVar[str] = "dataset.uploaded"
    tenant: Id
    dataset: Id
    contract_id: Id
    bytes: Count
    sha256: Sha256


class UploadFailed(AuditEvent):
    """An upload did not complete (too large, too slow, interrupted); nothing of it was kept."""

    action: ClassVar[str] = "dataset.upload_failed"
    outcome: ClassVar[Outcome] = Outcome.FAILURE
    tenant: Id
    dataset: Id
    reason: Name
    bytes: Count


class DatasetValidated(AuditEvent):
    """Validation accepted the dataset; its items are registered."""

    action: ClassVar[str] = "dataset.validated"
    tenant: Id
    dataset: Id
    items: Count
    classes: Count
    warnings: Count
    rules: dict[Name, Count] = Field(default_factory=dict, max_length=200)


class DatasetRejected(AuditEvent):
    """Validation rejected the dataset; every copy was deleted (its key is destroyed by the
    purge, due at once). `rules` counts the problems by rule id."""

    action: ClassVar[str] = "dataset.rejected"
    outcome: ClassVar[Outcome] = Outcome.FAILURE
    tenant: Id
    dataset: Id
    errors: Count
    warnings: Count
    rules: dict[Name, Count] = Field(default_factory=dict, max_length=200)
    copies_purged: Count


INTAKE_EVENTS: tuple[type[AuditEvent], ...] = (
    ContractAdded,
    UploadReceived,
    UploadFailed,
    DatasetValidated,
    DatasetRejected,
)
