"""The stored reports of a dataset, opened with its key for the HTTP and CLI views."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import AnonymisationReportRecord, DatasetReport
from vault import ANONYMISATION_REPORT, VALIDATION_REPORT, KeyUnavailableError, VaultService

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
