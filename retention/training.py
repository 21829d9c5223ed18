"""Training under the contract's authorised purpose: started, completed, and reads of the
anonymised copy.

The purpose an operator declares is compared with the contract's after normalisation, as
SHA-256 digests in constant time; only digests are stored and audited, never the text.

A refusal is an error (`TrainingRefusedError`) that carries its audit event. The refused
unit of work rolls back like any other, so the event is recorded apart from it: run these
functions inside `audited_refusals`, which commits the refusal in a transaction of its own
and then lets the error go on to the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum

from audit import Outcome, Transaction, Transactions, change_state
from catalog import (
    ConflictError,
    Contract,
    CopyKind,
    Dataset,
    DatasetState,
    NotFoundError,
    StoredCopy,
    get_dataset,
    live_copies,
)
from intake import contract_rules
from retention.events import (
    AnonymisedCopyRead,
    TrainingCompleted,
    TrainingRefused,
    TrainingStarted,
)


class RefusalReason(StrEnum):
    PURPOSE_MISMATCH = "purpose_mismatch"
    NOT_READY = "not_ready"


class TrainingRefusedError(ValueError):
    """Training, or a read for training, was refused; `event` is what `audited_refusals`
    commits. The message names the dataset, never the contract's purpose."""

    def __init__(self, message: str, event: TrainingRefused) -> None:
        super().__init__(message)
        self.event = event
        self.dataset_id = event.dataset
        self.reason = RefusalReason(event.reason)


@contextmanager
def audited_refusals(transactions: Transactions) -> Iterator[Transaction]:
    """One unit of work for the functions below. A refusal rolls it back, then is recorded
    (outcome denied) in a transaction of its own and raised again: the refusal is in the
    audit trail although the command fails, and nothing of the refused change is."""
    try:
        with transactions() as tx:
            yield tx
    except TrainingRefusedError as refused:
        with transactions() as tx:
            tx.record(refused.event, Outcome.DENIED)
        raise


def normalise_purpose(text: str) -> str:
    """The same purpose typed with other spacing, case or full-width characters (NFKC)
    normalises to the same text."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def purpose_sha256(text: str) -> str:
    return hashlib.sha256(normalise_purpose(text).encode("utf-8")).hexdigest()


def start_training(tx: Transaction, dataset_id: str, purpose: str, now: datetime) -> Dataset:
    """A ready dataset goes to `training` under the contract's authorised purpose."""
    dataset = get_dataset(tx.session, dataset_id, for_update=True)
    contract = _contract(tx, dataset)
    declared = _authorised(dataset, contract, purpose)
    _require_state(dataset, declared, {DatasetState.READY}, "training starts from ready only")
    change_state(tx, dataset, DatasetState.TRAINING)
    dataset.training_started_at = now
    dataset.training_purpose_sha256 = declared
    tx.record(TrainingStarted(tenant=dataset.tenant_id, dataset=dataset.id,
                              contract_id=contract.id, purpose_sha256=declared))
    return dataset


def complete_training(tx: Transaction, dataset_id: str, now: datetime) -> Dataset:
    """Training finished: the dataset is `trained` and its purge due the contract's
    `retention_days` from `now`."""
    dataset = get_dataset(tx.session, dataset_id, for_update=True)
    if dataset.state is not DatasetState.TRAINING:
        raise ConflictError(f"dataset {dataset.id} is {dataset.state.value}; only a dataset "
                            "in training can be marked completed")
    retention_days = contract_rules(_contract(tx, dataset)).retention_days
    change_state(tx, dataset, DatasetState.TRAINED)
    dataset.trained_at = now
    dataset.purge_due_at = now + timedelta(days=retention_days)
    tx.record(TrainingCompleted(tenant=dataset.tenant_id, dataset=dataset.id,
                                retention_days=retention_days,
                                purge_due_at=dataset.purge_due_at))
    return dataset


def open_for_training(tx: Transaction, dataset_id: str, purpose: str,
                      shard: int | None = None) -> list[StoredCopy]:
    """The anonymised copy's shards to stream for training, in order (or the one at index
    `shard`), the read audited with the purpose's digest (the event names the first shard
    read). Only anonymised shards are ever returned: the raw ones have no way out here."""
    dataset, declared = _readable(tx, dataset_id, purpose)
    shards = _anonymised_shards(tx, dataset)
    if shard is not None:
        shards = [copy for copy in shards if copy.shard == shard]
        if not shards:
            raise NotFoundError("shard", str(shard))
    tx.record(AnonymisedCopyRead(tenant=dataset.tenant_id, dataset=dataset.id,
                                 copy_id=shards[0].id, purpose_sha256=declared))
    return shards


def training_shards(tx: Transaction, dataset_id: str, purpose: str) -> list[StoredCopy]:
    """The anonymised copy's shards, in order, under the same rules as a read; listing them
    reads nothing, so it is not recorded (a refusal is)."""
    dataset, _ = _readable(tx, dataset_id, purpose)
    return _anonymised_shards(tx, dataset)


def _readable(tx: Transaction, dataset_id: str, purpose: str) -> tuple[Dataset, str]:
    dataset = get_dataset(tx.session, dataset_id)
    declared = _authorised(dataset, _contract(tx, dataset), purpose)
    _require_state(dataset, declared, {DatasetState.READY, DatasetState.TRAINING},
                   "its anonymised copy is read for training while ready or in training only")
    return dataset, declared


def _contract(tx: Transaction, dataset: Dataset) -> Contract:
    contract = tx.session.get(Contract, dataset.contract_id) if dataset.contract_id else None
    if contract is None:
        raise ConflictError(f"dataset {dataset.id} has no contract, so no authorised purpose")
    return contract


def _authorised(dataset: Dataset, contract: Contract, purpose: str) -> str:
    """The declared purpose's digest, if it is the contract's authorised purpose."""
    declared = purpose_sha256(purpose)
    if not hmac.compare_digest(declared, purpose_sha256(contract_rules(contract).purpose)):
        raise _refusal(dataset, declared, RefusalReason.PURPOSE_MISMATCH,
                       f"dataset {dataset.id}: the declared purpose is not the one its "
                       "contract authorises; refused (audited)")
    return declared


def _require_state(dataset: Dataset, declared: str, allowed: Collection[DatasetState],
                   rule: str) -> None:
    if dataset.state not in allowed:
        raise _refusal(dataset, declared, RefusalReason.NOT_READY,
                       f"dataset {dataset.id} is {dataset.state.value}: {rule}; refused "
                       "(audited)")


def _refusal(dataset: Dataset, declared: str, reason: RefusalReason,
             message: str) -> TrainingRefusedError:
    return TrainingRefusedError(message, TrainingRefused(
        tenant=dataset.tenant_id, dataset=dataset.id, purpose_sha256=declared,
        reason=reason.value))


def _anonymised_shards(tx: Transaction, dataset: Dataset) -> list[StoredCopy]:
    shards = sorted((c for c in live_copies(tx.session, dataset.id)
                     if c.kind is CopyKind.ANONYMISED), key=lambda c: c.shard or 0)
    if not shards:
        raise ConflictError(f"dataset {dataset.id} has no anonymised copy")
    return shards
