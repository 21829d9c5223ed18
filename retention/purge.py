"""The purge of one dataset: crash-safe, resumable, verified, certified.

Steps, each in its own short transaction (the backend work between them):
1. intent: the dataset goes to `purging` and a purge record (cause, due date, what was
   registered) is written before anything is deleted;
2. every version of every object under the dataset's prefix is deleted, registered or
   left over (one listing and one bulk delete per 1,000 versions on S3), and every write
   of it that never completed (temporary files, unfinished multipart uploads);
3. the copies are marked deleted, and the data key destroyed (crypto-shredding);
4. verification: the prefix lists empty, the key record is gone, every registered copy's
   read fails;
5. the items, reports and the rest of what names the data are deleted, the audit log's
   checkpoint is signed, the certificate is signed and stored, the dataset is `purged`.
Every step is idempotent, so a process killed anywhere is finished by the next run: it
finds the record, counts an attempt, and repeats what may not have happened.

A purge may start early with `purge_copies` (a rejected dataset): the record is written and
steps 2 and 3 run without destroying the key, so the sealed report stays readable; `purge`
later finishes, and its certificate counts what both deleted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from audit import Transaction, Transactions, change_state
from audit.checkpoints import origin_of, write_checkpoint
from audit.events import LeftoversDeleted
from catalog import (
    AnonymisationReportRecord,
    AuditHead,
    Clock,
    Contract,
    CopyKind,
    DataKeyRecord,
    Dataset,
    DatasetReport,
    DatasetState,
    Item,
    LegalHoldError,
    PurgeRecord,
    StoredCopy,
    Tenant,
    batched,
    get_dataset,
    new_id,
)
from retention.certificate_document import (
    AuditRef,
    CheckpointRef,
    ContractRef,
    CopyDeleted,
    DeletionCertificate,
    Issuer,
    Performer,
    Sanitisation,
    Subject,
    Timeline,
    Verification,
    copies_digest,
    sign,
)
from retention.due import Cause
from retention.events import CopiesDeleted, DatasetPurged, PurgeFailed, PurgeStarted
from retention.signing import InstanceSigner
from vault import KeyUnavailableError, VaultError, VaultService

_BATCH = 500
"""Copies marked deleted per UPDATE (bound parameters stay under every database's limit)."""


class PurgeError(RuntimeError):
    """A purge could not finish; the dataset stays `purging` for the next sweep."""


@dataclass(frozen=True)
class Purger:
    """What a purge needs: units of work, the vault, the signer and a clock."""

    transactions: Transactions
    vault: VaultService
    signer: InstanceSigner
    clock: Clock

    def purge(self, dataset_id: str, cause: Cause, due_at: datetime) -> DeletionCertificate:
        with self.transactions() as tx:
            record = self._begin(tx, dataset_id, cause, due_at)
            if record.certificate is not None:
                return DeletionCertificate.model_validate_json(record.certificate)
        try:
            self._delete(dataset_id, destroy_key=True)
            verification = self._verify(dataset_id)
        except VaultError as exc:
            self._failed(dataset_id, "delete", type(exc).__name__)
            raise PurgeError(f"dataset {dataset_id}: {exc}") from exc
        if not verification.passed:
            self._failed(dataset_id, "verify", "residue")
            raise PurgeError(f"dataset {dataset_id}: verification found "
                             f"{verification.objects_left} objects left or a readable copy")
        with self.transactions() as tx:
            return self._finish(tx, dataset_id, verification)

    def purge_copies(self, dataset_id: str, cause: Cause, due_at: datetime) -> None:
        """Delete every copy and leftover of the dataset now, counted in its purge record,
        but keep its key and state: `purge` finishes later (refused under legal hold)."""
        with self.transactions() as tx:
            dataset = get_dataset(tx.session, dataset_id, for_update=True)
            if dataset.state is DatasetState.PURGED:
                return
            if dataset.legal_hold:
                raise LegalHoldError(dataset_id)
            if tx.session.get(PurgeRecord, dataset_id) is None:
                tx.session.add(self._new_record(tx, dataset_id, cause, due_at, attempts=0))
        try:
            self._delete(dataset_id, destroy_key=False)
        except VaultError as exc:
            self._failed(dataset_id, "delete", type(exc).__name__)
            raise PurgeError(f"dataset {dataset_id}: {exc}") from exc

    def _new_record(self, tx: Transaction, dataset_id: str, cause: Cause, due_at: datetime,
                    attempts: int) -> PurgeRecord:
        return PurgeRecord(dataset_id=dataset_id, cause=cause.value, due_at=due_at,
                           started_at=self.clock(), copies=_registered(tx, dataset_id),
                           key_id=_key_id(tx, dataset_id), attempts=attempts, versions=0,
                           leftovers=0, first_seq=_next_seq(tx))

    def _delete(self, dataset_id: str, destroy_key: bool) -> None:
        """Steps 2 and 3: raises VaultError if the backend fails. Each batch deleted is
        counted in the purge record at once, so that a purge cut off between two
        DeleteObjects calls certifies, once finished, the versions both runs deleted."""
        self._check_backends(dataset_id)
        removed: dict[str, int] = {}
        for batch in self.vault.delete_objects(dataset_id):
            with self.transactions() as tx:
                _count_deleted(tx, dataset_id, batch, seen=removed)
            for object_id, versions in batch.items():
                removed[object_id] = removed.get(object_id, 0) + versions
        partial = self.vault.delete_partial(dataset_id)
        left = set(self.vault.list_objects(dataset_id))
        with self.transactions() as tx:
            self._record_deletion(tx, dataset_id, removed, partial, left)
            if destroy_key:
                self.vault.destroy_key(tx, get_dataset(tx.session, dataset_id))

    def _begin(self, tx: Transaction, dataset_id: str, cause: Cause,
               due_at: datetime) -> PurgeRecord:
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        record = tx.session.get(PurgeRecord, dataset_id)
        if dataset.state is DatasetState.PURGED and record is not None:
            return record
        change_state(tx, dataset, DatasetState.PURGING)  # refused under legal hold
        if record is None:
            record = self._new_record(tx, dataset_id, cause, due_at, attempts=1)
            tx.session.add(record)
        else:
            record.attempts += 1
        tx.record(PurgeStarted(tenant=dataset.tenant_id, dataset=dataset_id,
                               cause=record.cause, due_at=record.due_at,
                               copies=sum(c["count"] for c in record.copies),
                               attempt=record.attempts))
        return record

    def _check_backends(self, dataset_id: str) -> None:
        """Copies in a backend this instance is not configured for cannot be deleted or
        verified from here: the purge stops rather than certify what it did not see."""
        with self.transactions() as tx:
            backends = tx.session.execute(select(StoredCopy.backend).distinct().where(
                StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None)))
            elsewhere = sorted(set(backends.scalars()) - {self.vault.backend_name})
        if elsewhere:
            self._failed(dataset_id, "delete", "backend_not_configured")
            raise PurgeError(f"dataset {dataset_id} has copies in backend(s) "
                             f"{', '.join(elsewhere)}, which this instance is not configured "
                             "for; purge it from an instance that is")

    def _record_deletion(self, tx: Transaction, dataset_id: str, removed: dict[str, int],
                         partial: int, left: set[str]) -> None:
        """Copies whose objects are gone are marked deleted (one event per kind and backend);
        unregistered objects and unfinished writes are counted as leftovers. Anything still
        listed stays registered for the next attempt."""
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        record = _record(tx, dataset_id)
        groups = _ids_by_group(tx, dataset_id, excluding=left)
        for (kind, backend), ids in sorted(groups.items()):
            tx.record(CopiesDeleted(tenant=dataset.tenant_id, dataset=dataset_id,
                                    kind=kind.value, backend=backend, copies=len(ids),
                                    versions=sum(removed.get(i, 0) for i in ids)))
        deleted_at = self.clock()
        # by id, no ORM objects loaded or synchronised: 10,000 copies are 20 statements
        for batch in batched(itertools.chain.from_iterable(groups.values()), _BATCH):
            tx.session.execute(update(StoredCopy).where(StoredCopy.id.in_(batch))
                               .values(deleted_at=deleted_at)
                               .execution_options(synchronize_session=False))
        registered = set(tx.session.execute(select(StoredCopy.id).where(
            StoredCopy.dataset_id == dataset_id)).scalars())
        leftovers = sum(object_id not in registered for object_id in removed) + partial
        if leftovers:
            tx.record(LeftoversDeleted(tenant=dataset.tenant_id, dataset=dataset_id,
                                       objects=leftovers))
        record.leftovers += partial  # the deleted objects were counted batch by batch

    def _verify(self, dataset_id: str) -> Verification:
        """The prefix lists empty (no unfinished write either), the key record is destroyed,
        and a read fails: there is no key to decrypt with, and no object of any copy is
        listed to read."""
        left = set(self.vault.list_objects(dataset_id)) | set(
            self.vault.list_partial(dataset_id))
        with self.transactions() as tx:
            key = tx.session.get(DataKeyRecord, dataset_id)
            destroyed = key is None or key.wrapped is None
            copy_ids = list(tx.session.execute(
                select(StoredCopy.id).where(StoredCopy.dataset_id == dataset_id)).scalars())
            try:
                self.vault.data_key(tx.session, dataset_id)
                unreadable = False
            except KeyUnavailableError:
                unreadable = True
        failed = sum(unreadable and copy_id not in left for copy_id in copy_ids)
        return Verification(passed=not left and destroyed and failed == len(copy_ids),
                            objects_left=len(left), key_destroyed=destroyed,
                            reads_failed=failed, reads_attempted=len(copy_ids),
                            verified_at=self.clock())

    def _failed(self, dataset_id: str, step: str, reason: str) -> None:
        with self.transactions() as tx:
            dataset = get_dataset(tx.session, dataset_id)
            tx.record(PurgeFailed(tenant=dataset.tenant_id, dataset=dataset_id, step=step,
                                  error=reason))

    def _finish(self, tx: Transaction, dataset_id: str,
                verification: Verification) -> DeletionCertificate:
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        record = _record(tx, dataset_id)
        if record.certificate is not None:  # finished by another run meanwhile
            return DeletionCertificate.model_validate_json(record.certificate)
        for table in (Item, DatasetReport, AnonymisationReportRecord):
            tx.session.execute(delete(table).where(table.dataset_id == dataset_id))
        change_state(tx, dataset, DatasetState.PURGED)
        written = write_checkpoint(tx, self.signer, self.clock())
        checkpoint = CheckpointRef(tree_size=written.tree_size, root_hash=written.root_hash,
                                   at=written.at, key_id=written.key_id,
                                   signature=written.signature)
        certificate = self._certificate(tx, dataset, record, verification, checkpoint)
        record.certificate = certificate.model_dump_json()
        record.finished_at = certificate.issued_at
        tx.record(DatasetPurged(tenant=dataset.tenant_id, dataset=dataset_id,
                                cause=record.cause, copies=sum(c["count"] for c in
                                                               record.copies),
                                versions=record.versions, leftovers=record.leftovers,
                                key_id=record.key_id, certificate_sha256=certificate.sha256()))
        return certificate

    def _certificate(self, tx: Transaction, dataset: Dataset, record: PurgeRecord,
                     verification: Verification, checkpoint: CheckpointRef
                     ) -> DeletionCertificate:
        contract = tx.session.get(Contract, dataset.contract_id) if dataset.contract_id \
            else None
        tenant = tx.session.get(Tenant, dataset.tenant_id)
        unsigned = DeletionCertificate(
            certificate_id=new_id(), issued_at=self.clock(),
            issuer=Issuer(instance=origin_of(self.signer.key_id), key_id=self.signer.key_id,
                          public_key=self.signer.public_pem),
            performed_by=Performer(actor=tx.actor.id, role=tx.actor.role),
            subject=Subject(
                dataset_id=dataset.id, tenant_id=dataset.tenant_id,
                tenant_name=tenant.name if tenant else None,
                contract=ContractRef(id=contract.id if contract else None,
                                     name=contract.name if contract else None,
                                     version=contract.version if contract else None),
                upload_sha256=dataset.upload_sha256, upload_bytes=dataset.upload_bytes,
                items=dataset.item_count,
                copies=[CopyDeleted.model_validate(c) for c in record.copies]),
            sanitisation=Sanitisation(cause=record.cause, versions_deleted=record.versions,
                                      leftovers_deleted=record.leftovers,
                                      key_id_destroyed=record.key_id),
            timeline=Timeline(uploaded=dataset.created_at,
                              training_started=dataset.training_started_at,
                              training_completed=dataset.trained_at, due=record.due_at,
                              purge_started=record.started_at, purged=self.clock()),
            verification=verification,
            audit=AuditRef(first_seq=record.first_seq, last_seq=checkpoint.tree_size,
                           checkpoint=checkpoint))
        return sign(unsigned, self.signer.sign(unsigned.signed_bytes()))


def _count_deleted(tx: Transaction, dataset_id: str, batch: dict[str, int],
                   seen: dict[str, int]) -> None:
    """Add a deleted batch's versions to the purge record, and its objects that no copy
    names (counted once, though an object's versions may span two batches)."""
    record = _record(tx, dataset_id)
    new = [object_id for object_id in batch if object_id not in seen]
    registered = sum(len(tx.session.execute(select(StoredCopy.id).where(
        StoredCopy.dataset_id == dataset_id, StoredCopy.id.in_(chunk))).all())
        for chunk in batched(new, _BATCH))
    record.versions += sum(batch.values())
    record.leftovers += len(new) - registered


def _record(tx: Transaction, dataset_id: str) -> PurgeRecord:
    record = tx.session.get(PurgeRecord, dataset_id)
    if record is None:
        raise PurgeError(f"dataset {dataset_id} has no purge record")
    return record


def _registered(tx: Transaction, dataset_id: str) -> list[dict[str, object]]:
    """Live copies per kind and backend: what the certificate says was deleted, each group
    named copy by copy through the digest of its ids."""
    rows = tx.session.execute(
        select(StoredCopy.kind, StoredCopy.backend, func.count(), func.sum(StoredCopy.size))
        .where(StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None))
        .group_by(StoredCopy.kind, StoredCopy.backend)
        .order_by(StoredCopy.kind, StoredCopy.backend))
    ids = _ids_by_group(tx, dataset_id, excluding=set())
    return [{"kind": kind.value, "backend": backend, "count": int(count), "bytes": int(size),
             "ids_sha256": copies_digest(ids[(kind, backend)])}
            for kind, backend, count, size in rows]


def _ids_by_group(tx: Transaction, dataset_id: str, excluding: set[str]
                  ) -> dict[tuple[CopyKind, str], list[str]]:
    """The ids of the live copies per kind and backend, those in `excluding` left out, read
    as plain rows: a dataset of 10,000 shards loads no ORM object per copy."""
    groups: dict[tuple[CopyKind, str], list[str]] = {}
    rows = tx.session.execute(
        select(StoredCopy.id, StoredCopy.kind, StoredCopy.backend)
        .where(StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None)))
    for copy_id, kind, backend in rows:
        if copy_id not in excluding:
            groups.setdefault((kind, backend), []).append(copy_id)
    return groups


def _key_id(tx: Transaction, dataset_id: str) -> str | None:
    key = tx.session.get(DataKeyRecord, dataset_id)
    return key.key_id if key is not None else None


def _next_seq(tx: Transaction) -> int:
    head = tx.session.get(AuditHead, 1)
    return (head.seq if head is not None else 0) + 1
