"""The system of record: tenants, tokens, contracts, datasets, items, keys and stored copies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.base import Base, UTCDateTime, new_id, utcnow
from catalog.lifecycle import DatasetState, check_transition


class Role(StrEnum):
    ADMIN = "admin"
    CLIENT = "client"
    COMPLIANCE = "compliance"
    OPERATOR = "operator"
    REIDENTIFIER = "reidentifier"


class CopyKind(StrEnum):
    RAW = "raw"
    RAW_SHARD = "raw_shard"
    """The upload re-cut by validation into bounded shards, one task's input each."""
    ANONYMISED = "anonymised"
    MAPPING = "mapping"
    REPORT = "report"
    EXPORT = "export"
    TEMP = "temp"


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, validate_strings=True, length=32,
                values_callable=lambda members: [m.value for m in members])


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    """A bearer token; only the SHA-256 of its secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    tenant_id: Mapped[str | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A reidentifier token is refused until a compliance officer (this actor) approves it.
    approved_by: Mapped[str | None] = mapped_column(String(128))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Contract(Base):
    """One version of a tenant's contract; the rules live in `body` (filled in by intake)."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("tenant_id", "name", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Dataset(Base):
    __tablename__ = "datasets"
    # Newest-first lists page by (created_at, id) cursors, over all tenants, one tenant or
    # one state, each page one index range with no sort.
    __table_args__ = (
        Index("ix_datasets_created_at_id", "created_at", "id"),
        Index("ix_datasets_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        Index("ix_datasets_state_created_at_id", "state", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    contract_id: Mapped[str | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    state: Mapped[DatasetState] = mapped_column(
        _enum(DatasetState, "dataset_state"), default=DatasetState.RECEIVED, index=True
    )
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    training_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    training_purpose_sha256: Mapped[str | None] = mapped_column(String(64))
    """The purpose declared when training started (matched against the contract's)."""
    trained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When training completed: the retention clock starts here."""
    purge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    upload_sha256: Mapped[str | None] = mapped_column(String(64))
    upload_bytes: Mapped[int | None] = mapped_column(BigInteger)
    item_count: Mapped[int | None] = mapped_column(Integer)
    error_count: Mapped[int | None] = mapped_column(Integer)
    warning_count: Mapped[int | None] = mapped_column(Integer)
    anonymisation_mode: Mapped[str | None] = mapped_column(String(16))

    copies: Mapped[list[StoredCopy]] = relationship(back_populates="dataset")

    def transition(self, target: DatasetState) -> DatasetState:
        """Move to `target` or raise `IllegalTransitionError`; returns the previous state."""
        previous = self.state
        check_transition(self.id, previous, target)
        if target is DatasetState.PURGING and self.legal_hold:
            raise LegalHoldError(self.id)
        self.state = target
        self.state_changed_at = utcnow()
        return previous


class LegalHoldError(ValueError):
    def __init__(self, dataset_id: str) -> None:
        super().__init__(f"dataset {dataset_id} is under legal hold and cannot be purged")
        self.dataset_id = dataset_id


class DatasetReport(Base):
    """The validation report: places and rule ids, never label content. Its places are file
    names, so the body is sealed under the dataset's key (`vault.fields`). Deleted at purge."""

    __tablename__ = "dataset_reports"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    sealed_body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AnonymisationReportRecord(Base):
    """The anonymisation report: counts per entity type, field and operator; never values.
    It names flagged images (anonymised file names), so the body is sealed too."""

    __tablename__ = "anonymisation_reports"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    sealed_body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Item(Base):
    """One sample of a dataset, registered by intake after validation. Its path, class and
    label reference come from the upload: they are kept only sealed under the dataset's key
    (`vault.fields`), so no page or WAL frame of the catalog holds them in the clear."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    sealed_path: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str | None] = mapped_column(String(16))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sealed_class_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_label_ref: Mapped[bytes | None] = mapped_column(LargeBinary)
    faces: Mapped[int | None] = mapped_column(Integer)
    """Faces painted over by the anonymisation (None: not redacted)."""
    text_regions: Mapped[int | None] = mapped_column(Integer)
    redaction_flagged: Mapped[bool | None] = mapped_column(Boolean)
    """The residual check still found a face or text on the output."""
    shard: Mapped[int | None] = mapped_column(Integer)
    """The raw shard validation wrote it to (None: validated before shards)."""


class DataKeyRecord(Base):
    """A dataset's data key, kept only wrapped by the master key; cleared when destroyed."""

    __tablename__ = "data_keys"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    master_key_id: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StoredCopy(Base):
    """Every object Airlock stores for a dataset, in any backend: the purge works from this."""

    __tablename__ = "stored_copies"
    __table_args__ = (UniqueConstraint("backend", "locator"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    kind: Mapped[CopyKind] = mapped_column(_enum(CopyKind, "copy_kind"))
    backend: Mapped[str] = mapped_column(String(32))
    locator: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int] = mapped_column(BigInteger)
    plaintext_size: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))
    shard: Mapped[int | None] = mapped_column(Integer)
    """Its place among the dataset's shards of its kind (None: not a shard)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    dataset: Mapped[Dataset] = relationship(back_populates="copies")


class AuditEventRecord(Base):
    """One link of the hash chain; see `audit.chain` for how `hash` is computed."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    tenant_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    dataset_id: Mapped[str | None] = mapped_column(String(32), index=True)
    object_ids: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's tip, one row; locking it serialises appends across processes. It also
    names the latest signed checkpoint, so deleting that checkpoint's row is noticed."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
    checkpoint_size: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), default=None)
    checkpoint_root: Mapped[str | None] = mapped_column(String(64), default=None)
    checkpoint_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AuditCheckpoint(Base):
    """A signed statement of the Merkle tree over the first `tree_size` events (RFC 6962):
    later history cannot be rewritten or cut below it without the signature failing."""

    __tablename__ = "audit_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                           primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))
    """Base64 Ed25519 signature of the checkpoint note."""
    frontier: Mapped[list[str]] = mapped_column(JSON)
    """Roots of the perfect subtrees left to right: the next checkpoint extends them with
    the new events only, never re-reading the whole log."""
