"""The stored reports of a dataset, opened with its key for the HTTP and CLI views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import AnonymisationReportRecord, CopyKind, DatasetReport, live_copies
from vault import ANONYMISATION_REPORT, VALIDATION_REPORT, KeyUnavailableError, VaultService

if TYPE_CHECKING:
    from airlock.instance import Instance

_COLUMNS: dict[type[DatasetReport | AnonymisationReportRecord], str] = {
    DatasetReport: VALIDATION_REPORT, AnonymisationReportRecord: ANONYMISATION_REPORT}


def open_report(vault: VaultService, session: Session,
                record: type[DatasetReport | AnonymisationReportRecord],
                dataset_id: str) -> dict[str, Any] | None:
    """The report's body, or None when there is none or its key is destroyed (the purge
    deletes it then anyway)."""
    sealed = session.execute(select(record.sealed_body)
                             .where(record.dataset_id == dataset_id)).scalar_one_or_none()
    if sealed is None:
        return None
    try:
        fields = vault.field_cipher(session, dataset_id)
    except KeyUnavailableError:
        return None
    body: dict[str, Any] = fields.open_json(_COLUMNS[record], sealed)
    return body


PREVIEW_LIMIT = 16 * 1024 * 1024


def contact_sheet(instance: Instance, dataset_id: str) -> bytes | None:
    """The dataset's preview of redacted thumbnails (the `report` copy), if it has one."""
    with instance.reading() as session:
        sheets = [c for c in live_copies(session, dataset_id) if c.kind is CopyKind.REPORT]
        if not sheets:
            return None
        key = instance.vault.data_key(session, dataset_id)
    with instance.vault.reader(key, dataset_id, sheets[-1].id) as plaintext:
        return plaintext.read(PREVIEW_LIMIT)
