"""Multipart uploads: one dataset's archive sent as numbered parts, each its own raw copy.

A row holds ids, sizes, digests and dates only (never a file name). Every change of state is
recorded as an audit event in the transaction that makes it (intake.multipart).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.base import Base, UTCDateTime, new_id, utcnow
from catalog.errors import NotFoundError


class UploadState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    FAILED = "failed"
    """The whole archive's SHA-256 did not match the declared one."""
    ABORTED = "aborted"
    EXPIRED = "expired"


class Upload(Base):
    __tablename__ = "uploads"
    __table_args__ = (
        # A client that restarted finds its upload by the archive's digest.
        Index("ix_uploads_tenant_id_sha256", "tenant_id", "sha256"),
        # The worker finds open uploads whose expiry has passed.
        Index("ix_uploads_state_expires_at", "state", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), unique=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    """The whole archive's, as the client declared it."""
    part_size: Mapped[int] = mapped_column(BigInteger)
    parts_total: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=UploadState.OPEN.value)
    received_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def part_length(self, number: int) -> int:
        """The size part `number` (1-based) must have: `part_size`, the last one the rest."""
        if number < self.parts_total:
            return self.part_size
        return self.size - self.part_size * (self.parts_total - 1)


class UploadPart(Base):
    """The part's current copy; a part sent again points at its new copy."""

    __tablename__ = "upload_parts"

    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    copy_id: Mapped[str] = mapped_column(ForeignKey("stored_copies.id"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def get_upload(session: Session, upload_id: str, *, for_update: bool = False) -> Upload:
    stmt = select(Upload).where(Upload.id == upload_id)
    if for_update:
        stmt = stmt.with_for_update()
    upload = session.execute(stmt).scalar_one_or_none()
    if upload is None:
        raise NotFoundError("upload", upload_id)
    return upload


def upload_of_dataset(session: Session, dataset_id: str) -> Upload | None:
    return session.execute(select(Upload).where(Upload.dataset_id == dataset_id)
                           ).scalar_one_or_none()


def upload_parts(session: Session, upload_id: str) -> list[UploadPart]:
    """The parts received, by number."""
    return list(session.execute(select(UploadPart).where(UploadPart.upload_id == upload_id)
                                .order_by(UploadPart.number)).scalars())


def find_uploads(session: Session, tenant_id: str | None, sha256: str | None,
                 contract_id: str | None, states: Sequence[str], limit: int) -> list[Upload]:
    """Newest first; `tenant_id` None: every tenant's."""
    stmt = select(Upload)
    if tenant_id is not None:
        stmt = stmt.where(Upload.tenant_id == tenant_id)
    if sha256 is not None:
        stmt = stmt.where(Upload.sha256 == sha256)
    if contract_id is not None:
        stmt = stmt.where(Upload.contract_id == contract_id)
    if states:
        stmt = stmt.where(Upload.state.in_(list(states)))
    return list(session.execute(stmt.order_by(Upload.created_at.desc(), Upload.id.desc())
                                .limit(limit)).scalars())
