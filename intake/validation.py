"""Validating an uploaded dataset from its encrypted raw copy, and acting on the outcome.

A step job (`catalog.StepJob`), each database step short: mark the dataset `validating`;
stream and check the archive (no transaction held), re-cutting it into bounded shards as it
goes (label files and images in shards of their own, so that anonymisation can hand each
image shard to a worker); then in one transaction either register the shards and every item
and mark it `validated`, or mark it `rejected` (its shards were deleted unregistered, the
pipeline then deletes its upload through the purge). The report is stored in both cases, sealed
under the dataset's key like the items' paths, classes and label references.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import count
from typing import BinaryIO

from sqlalchemy import insert

from audit import Transaction, Transactions, change_state
from catalog import (
    Advance,
    ConflictError,
    Contract,
    CopyKind,
    Dataset,
    DatasetReport,
    DatasetState,
    Item,
    StepJob,
    get_dataset,
    new_id,
    run_step_job,
    utcnow,
)
from intake.checks import CheckedDataset, cross_check
from intake.contract_format import ContractRules
from intake.contract_store import contract_rules
from intake.events import DatasetRejected, DatasetValidated
from intake.labels import build_parser
from intake.problems import Problems
from intake.receipt import ReceiptSigner, issue_receipt
from intake.report import ValidationReport
from intake.reporting import Checked, build_report
from intake.scan import scan_archive
from intake.unpack import UnpackLimits
from vault import (
    ITEM_CLASS_NAME,
    ITEM_LABEL_REF,
    ITEM_PATH,
    VALIDATION_REPORT,
    DataKey,
    FieldCipher,
    RawArchive,
    ShardBounds,
    ShardWriter,
    StoredObject,
    VaultService,
    WrittenShard,
    raw_archive,
)

log = logging.getLogger("airlock.intake")

DEFAULT_SHARDS = ShardBounds(max_bytes=64 * 1024 * 1024, max_files=512)


@dataclass(frozen=True)
class ValidationOptions:
    limits: UnpackLimits
    workers: int
    shards: ShardBounds = DEFAULT_SHARDS


@dataclass(frozen=True)
class _Started:
    dataset: Dataset
    contract: Contract
    rules: ContractRules
    raw: RawArchive
    key: DataKey
    written: list[WrittenShard] = field(default_factory=list)
    """The shards written so far: deleted if the run fails."""


@dataclass(frozen=True)
class ValidationResult:
    """What checking the archive found: the report, the items to register if accepted, and
    the shard each file went to."""

    problems: Problems
    checked: CheckedDataset
    report: ValidationReport
    shard_of: dict[str, int]


def validate_dataset(transactions: Transactions, vault: VaultService, dataset_id: str,
                     options: ValidationOptions,
                     signer: ReceiptSigner | None = None) -> ValidationReport:
    """Validate a received dataset (or resume an interrupted validation) here, not through
    the pipeline (tests, benchmarks); without a signer no receipt is issued."""
    return run_step_job(transactions, ValidationJob(vault, dataset_id, options,
                                                    signer=signer)).report


class ValidationJob(StepJob[Transaction, _Started, ValidationResult]):
    """Mark the dataset `validating`; stream and check the archive; accept or reject it in
    one unit of work."""

    what = "validation"

    def __init__(self, vault: VaultService, dataset_id: str, options: ValidationOptions,
                 signer: ReceiptSigner | None = None) -> None:
        super().__init__(dataset_id)
        self.vault = vault
        self.options = options
        self.signer = signer
        """Signs the intake receipt, issued with the outcome (the pipeline always passes
        the instance's signer)."""

    def start(self, tx: Transaction) -> _Started:
        dataset_id = self.dataset_id
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        if dataset.state is DatasetState.RECEIVED:
            change_state(tx, dataset, DatasetState.VALIDATING)
        elif dataset.state is not DatasetState.VALIDATING:  # VALIDATING: resume after a crash
            raise ConflictError(f"dataset {dataset_id} is {dataset.state.value}; only received "
                                "datasets are validated")
        raw = raw_archive(tx.session, dataset_id, dataset.upload_sha256)
        contract = tx.session.get(Contract, dataset.contract_id) if dataset.contract_id else None
        if raw is None or contract is None:
            raise ConflictError(f"dataset {dataset_id} has no raw copy or contract to check")
        key = self.vault.data_key(tx.session, dataset_id)
        return _Started(dataset, contract, contract_rules(contract), raw, key)

    def produce(self, plan: _Started, progress: Advance) -> ValidationResult:
        problems = Problems()
        limits = limits_for(self.options.limits, plan.rules)
        parser = build_parser(plan.rules)
        run_id, numbers = new_id(), count()

        def write(copy_id: str, source: BinaryIO) -> StoredObject:
            return self.vault.write(plan.key, self.dataset_id, copy_id, source)

        labels, images = (ShardWriter(write, run_id, self.options.shards, numbers)
                          for _ in range(2))
        shard_of: dict[str, int] = {}

        def keep(path: str, data: bytes) -> None:
            shard_of[path] = (labels if parser.wants(path) else images).add(path, data)

        try:
            scan = scan_archive(
                lambda: plan.raw.open(self.vault, plan.key), plan.raw.size, plan.rules, parser,
                limits, problems, self.options.workers, lambda _size: progress.advanced(1), keep)
            labels.close()
            images.close()
        finally:
            plan.written.extend(labels.written + images.written)
        checked = cross_check(scan, plan.rules, problems)
        if problems.errors:  # a rejected upload is never anonymised: its shards go now
            self.discard(plan)
            plan.written.clear()
        what = Checked(plan.contract, plan.rules, self.dataset_id, plan.raw.size,
                       plan.raw.sha256)
        return ValidationResult(problems, checked,
                                build_report(what, scan, checked, parser.encodings, problems),
                                shard_of)

    def finish(self, tx: Transaction, plan: _Started, result: ValidationResult) -> None:
        fields = FieldCipher(plan.key, self.dataset_id)
        dataset = get_dataset(tx.session, self.dataset_id, for_update=True)
        for shard in plan.written:
            self.vault.register(tx, dataset, CopyKind.RAW_SHARD, shard.copy_id, shard.stored,
                                shard=shard.index)
        if result.problems.errors:
            _reject(tx, dataset, fields, result.report)
        else:
            _accept(tx, dataset, fields, result.checked, result.report, result.shard_of)
        if self.signer is not None:
            issue_receipt(tx, dataset, result.report, self.signer, utcnow())

    def discard(self, plan: _Started) -> None:
        for shard in plan.written:
            try:
                self.vault.discard(self.dataset_id, shard.copy_id)
            except Exception as error:  # the purge's prefix listing removes what is left over
                log.error("removing a shard of dataset %s failed: %s", self.dataset_id,
                          type(error).__name__)


def limits_for(limits: UnpackLimits, rules: ContractRules) -> UnpackLimits:
    """The instance's safety limits, tightened by what the contract allows."""
    return UnpackLimits(
        max_entries=limits.max_entries,
        max_entry_bytes=limits.max_entry_bytes,
        max_total_bytes=min(limits.max_total_bytes, rules.volume.max_total_bytes * 2),
        max_ratio=limits.max_ratio,
        max_name_bytes=limits.max_name_bytes,
        max_path_depth=limits.max_path_depth,
    )


def _save_report(tx: Transaction, dataset: Dataset, fields: FieldCipher,
                 report: ValidationReport) -> None:
    tx.session.merge(DatasetReport(dataset_id=dataset.id, sealed_body=fields.seal_json(
        VALIDATION_REPORT, report.model_dump(mode="json"))))
    dataset.error_count = report.errors
    dataset.warning_count = report.warnings


def _accept(tx: Transaction, dataset: Dataset, fields: FieldCipher, checked: CheckedDataset,
            report: ValidationReport, shard_of: dict[str, int]) -> None:
    if checked.items:
        tx.session.execute(insert(Item), [
            {"dataset_id": dataset.id, "sealed_path": fields.seal(ITEM_PATH, i.path),
             "sha256": i.sha256, "size": i.size, "format": i.format, "width": i.width,
             "height": i.height, "shard": shard_of.get(i.path),
             "sealed_class_name": fields.seal_optional(ITEM_CLASS_NAME, i.class_name),
             "sealed_label_ref": fields.seal_optional(ITEM_LABEL_REF, i.label_ref)}
            for i in checked.items])
    dataset.item_count = len(checked.items)
    _save_report(tx, dataset, fields, report)
    change_state(tx, dataset, DatasetState.VALIDATED)
    tx.record(DatasetValidated(tenant=dataset.tenant_id, dataset=dataset.id,
                               items=len(checked.items), classes=len(checked.per_class),
                               warnings=report.warnings, rules=report.rules))


def _reject(tx: Transaction, dataset: Dataset, fields: FieldCipher,
             report: ValidationReport) -> None:
    """Records the rejection only: deleting the copies is the purge's work."""
    dataset.item_count = 0
    _save_report(tx, dataset, fields, report)
    change_state(tx, dataset, DatasetState.REJECTED)
    tx.record(DatasetRejected(tenant=dataset.tenant_id, dataset=dataset.id,
                              errors=report.errors, warnings=report.warnings,
                              rules=report.rules))
