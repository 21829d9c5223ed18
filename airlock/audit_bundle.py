"""Exporting a verifiable audit bundle, for the CLI (`airlock audit export`) and the API
(`GET /v1/audit/bundle`): verify the log, sign a checkpoint, write the bundle, record it."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from airlock.instance import Instance
from audit import Actor, ChainVerification
from audit.events import AuditExported
from audit.export import ExportFilter, ExportSummary, export_bundle
from retention.signing import retired_public_keys


class AuditNotIntact(Exception):
    """The log does not verify: no bundle is signed for it."""

    def __init__(self, result: ChainVerification) -> None:
        super().__init__(f"the audit log does not verify (event {result.first_bad_seq}: "
                         f"{result.problem})")
        self.result = result


def export_audit(instance: Instance, actor: Actor, target: Path,
                 flt: ExportFilter) -> ExportSummary:
    """The log is verified first (AuditNotIntact if it does not) and checkpointed, so every
    exported event is under a signature; the export is audited as `audit.exported`."""
    verified = instance.verify_audit()
    if not verified.intact:
        raise AuditNotIntact(verified)
    signer = instance.signer
    now = datetime.now(UTC)
    with instance.transaction(actor) as tx:
        instance.checkpoint(tx)
    with instance.reading() as session:
        summary = export_bundle(session, target, signer.public_pem, signer.key_id, flt, now,
                                retired_public_keys(session))
    with instance.transaction(actor) as tx:
        tx.record(AuditExported(tree_size=summary.signed_tree_size,
                                root_hash=summary.signed_root, events=summary.events,
                                complete=summary.complete))
    return summary


def export_audit_zip(instance: Instance, actor: Actor, flt: ExportFilter) -> Path:
    """The bundle as one zip file (its folder inside, named `audit-bundle/`) in a new
    temporary folder; the caller deletes that folder (`path.parent`) when done with it.
    Audit events hold no personal data, so the bundle may touch the disk as the CLI's does."""
    work = Path(tempfile.mkdtemp(prefix="airlock-audit-"))
    try:
        folder = work / "audit-bundle"
        export_audit(instance, actor, folder, flt)
        archive = work / "audit-bundle.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(folder.iterdir()):
                out.write(path, f"audit-bundle/{path.name}")
        shutil.rmtree(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return archive
