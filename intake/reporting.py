"""Turning a scan and its cross-checks into the one report format, for a full validation and
for a pre-flight alike."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from catalog import Contract, utcnow
from intake.checks import CheckedDataset
from intake.contract_format import ContractRules
from intake.problems import Problems
from intake.report import ReportSummary, ValidationReport
from intake.scan import DatasetScan


@dataclass(frozen=True)
class Checked:
    """What was checked: the upload (or the manifest) and under which contract."""

    contract: Contract
    rules: ContractRules
    dataset_id: str
    upload_bytes: int
    upload_sha256: str
    kind: Literal["full", "preflight"] = "full"
    not_checked: Collection[str] = ()


def build_report(what: Checked, scan: DatasetScan, checked: CheckedDataset,
                 encodings: Mapping[str, int], problems: Problems) -> ValidationReport:
    listed = what.rules.volume.classes
    contract = what.contract
    return ValidationReport(
        kind=what.kind, dataset_id=what.dataset_id, contract_id=contract.id,
        contract_name=contract.name, contract_version=contract.version,
        outcome="rejected" if problems.errors else "accepted",
        checked_at=utcnow().isoformat(), upload_bytes=what.upload_bytes,
        upload_sha256=what.upload_sha256,
        summary=ReportSummary(
            archive_entries=scan.entries, images=scan.images_seen, items=len(checked.items),
            image_bytes=sum(i.size for i in checked.items), label_files=scan.label_files,
            labels=len(scan.records), label_encodings=dict(encodings),
            distinct_classes=len(checked.per_class),
            classes={name: checked.per_class[name] for name in listed} if listed else {}),
        errors=problems.errors, warnings=problems.warnings,
        rules=dict(sorted(problems.counts.items())), problems=problems.kept,
        problems_not_listed=problems.truncated, not_checked=sorted(what.not_checked))
