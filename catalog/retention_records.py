"""What retention keeps: legal holds, purges with their certificates, the instance's signing
key, and the lease that lets one sweep run at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.base import Base, UTCDateTime, new_id, utcnow


class LegalHold(Base):
    """A hold placed by compliance; while one is open (`released_at` empty) the dataset is
    never purged."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    placed_by: Mapped[str] = mapped_column(String(128))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(128))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    release_reason: Mapped[str | None] = mapped_column(String(200))


class PurgeRecord(Base):
    """A purge from its recorded intent to its certificate. Written before anything is
    deleted, so a purge cut short by a crash is found and finished by the next sweep."""

    __tablename__ = "purges"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    cause: Mapped[str] = mapped_column(String(16))
    """retention (trained + retention days), untrained (maximum age) or rejected."""
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    key_id: Mapped[str | None] = mapped_column(String(64))
    copies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """What was registered when the purge began: kind, backend, count, bytes."""
    first_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    """The audit event that recorded the intent."""
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    versions: Mapped[int] = mapped_column(BigInteger, default=0)
    """Object versions (and S3 delete markers) removed, over every attempt."""
    leftovers: Mapped[int] = mapped_column(BigInteger, default=0)
    """Of those objects, the ones no copy record named."""
    certificate: Mapped[str | None] = mapped_column(Text)
    """The signed certificate, canonical JSON, once the purge is verified and finished."""


class InstanceKey(Base):
    """The instance's Ed25519 signing key (certificates, audit checkpoints); the private half
    only wrapped by the master key."""

    __tablename__ = "instance_keys"

    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RetiredSigningKey(Base):
    """A signing key the instance used before a rotation: its public half only, so that what
    it signed (certificates, receipts, audit checkpoints) stays verifiable by its key id."""

    __tablename__ = "retired_signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    active_from: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SweepLease(Base):
    """One row: who runs the sweep and until when (SQLite's stand-in for PostgreSQL's
    advisory lock; a crashed holder's lease simply runs out)."""

    __tablename__ = "sweep_lease"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
