"""Intake receipts: the signed evidence of what a client delivered and what validation
found. Kept after the purge (it holds ids, digests and counts, no personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.base import Base, UTCDateTime
from catalog.errors import CatalogError, NotFoundError


class IntakeReceiptRecord(Base):
    """One per validated or rejected dataset, written in the transaction of the outcome."""

    __tablename__ = "intake_receipts"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(32), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)
    """The signed receipt as JSON, exactly as issued."""


class NoReceiptError(NotFoundError):
    """A dataset with no receipt: not validated yet, or validated before receipts existed."""

    def __init__(self, dataset_id: str) -> None:
        CatalogError.__init__(self, f"dataset {dataset_id} has no intake receipt: it is not "
                              "validated yet, or it was validated before receipts were "
                              "issued")
        self.kind = "intake receipt of dataset"
        self.ident = dataset_id


def receipt_body(session: Session, dataset_id: str) -> str:
    """The stored receipt's JSON; NotFoundError when the dataset has none (validated before
    receipts existed, or not validated yet)."""
    record = session.get(IntakeReceiptRecord, dataset_id)
    if record is None:
        raise NoReceiptError(dataset_id)
    return record.body
