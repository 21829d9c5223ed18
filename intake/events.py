"""Audit events of intake: counts and rule ids, never label content or file names."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from audit import AuditEvent, Count, Id, Name, Outcome, Sha256, StepInterrupted


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
    """An upload did not complete (too large, too slow, interrupted, or a multipart upload
    whose parts do not have the declared SHA-256: `digest_mismatch`); the pipeline then
    purges what of it was written, with a certificate."""

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
    """Validation rejected the dataset; the pipeline then deletes every copy through the
    purge (its key, which opens the sealed report, once AIRLOCK_REJECTED_REPORT_SECONDS
    passed). `rules` counts the problems by rule id."""

    action: ClassVar[str] = "dataset.rejected"
    outcome: ClassVar[Outcome] = Outcome.FAILURE
    tenant: Id
    dataset: Id
    errors: Count
    warnings: Count
    rules: dict[Name, Count] = Field(default_factory=dict, max_length=200)


class ValidationInterrupted(StepInterrupted):
    """A validation found unfinished (the process stopped or died during it), recorded by
    the pipeline at start-up or by the worker before it runs the validation again (`then`:
    resumed) or gives the dataset up (`then`: abandoned)."""

    action: ClassVar[str] = "dataset.validation_interrupted"


class UploadInterrupted(StepInterrupted):
    """An upload found unfinished `AIRLOCK_UPLOAD_ABANDON_SECONDS` after it began (its process
    stopped or died mid-stream): the pipeline gives it up (`then`: abandoned) and purges it."""

    action: ClassVar[str] = "dataset.upload_interrupted"


class MultipartUploadCreated(AuditEvent):
    """A multipart upload was opened: its dataset and data key were created; the client
    declared the archive's size and SHA-256, and the parts follow."""

    action: ClassVar[str] = "upload.created"
    tenant: Id
    dataset: Id
    upload: Id
    contract_id: Id
    bytes: Count
    sha256: Sha256
    part_size: Count
    parts: Count


class MultipartPartStored(AuditEvent):
    """A part of a multipart upload was stored (its object is recorded by
    `vault.object_stored`). `replaced`: the part had been sent before; that earlier copy
    was marked deleted and its object removed."""

    action: ClassVar[str] = "upload.part_stored"
    tenant: Id
    dataset: Id
    upload: Id
    number: Count
    bytes: Count
    sha256: Sha256
    replaced_copy: Id | None = None


class MultipartUploadCompleted(AuditEvent):
    """Every part arrived and together they have the declared SHA-256; the dataset's upload
    is complete (`dataset.uploaded` follows) and its validation starts."""

    action: ClassVar[str] = "upload.completed"
    tenant: Id
    dataset: Id
    upload: Id
    parts: Count
    bytes: Count


class MultipartUploadAborted(AuditEvent):
    """The client aborted a multipart upload; the pipeline purges what was stored of it,
    with a certificate (cause `upload_failed`)."""

    action: ClassVar[str] = "upload.aborted"
    tenant: Id
    dataset: Id
    upload: Id
    parts: Count


class MultipartUploadExpired(AuditEvent):
    """A multipart upload was still incomplete when it expired (AIRLOCK_UPLOAD_EXPIRY_HOURS
    after its last activity); the pipeline purges what was stored of it, with a certificate
    (cause `upload_expired`)."""

    action: ClassVar[str] = "upload.expired"
    tenant: Id
    dataset: Id
    upload: Id
    parts: Count


class PreflightChecked(AuditEvent):
    """A pre-flight manifest was judged before an upload (nothing of it is kept): how many
    files, images and label files it listed, and what the report found, as counts."""

    action: ClassVar[str] = "dataset.preflight_checked"
    tenant: Id
    contract_id: Id
    entries: Count
    images: Count
    label_files: Count
    errors: Count
    warnings: Count


INTAKE_EVENTS: tuple[type[AuditEvent], ...] = (
    ContractAdded,
    UploadReceived,
    UploadFailed,
    DatasetValidated,
    DatasetRejected,
    ValidationInterrupted,
    UploadInterrupted,
    MultipartUploadCreated,
    MultipartPartStored,
    MultipartUploadCompleted,
    MultipartUploadAborted,
    MultipartUploadExpired,
    PreflightChecked,
)
