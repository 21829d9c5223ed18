"""`Pipeline.advance`: run the steps the state table names until a dataset rests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from airlock.instance import Instance
from airlock.pipeline.executor import Executor, LocalExecutor
from airlock.pipeline.policy import Retries, acting_for, log_failure
from airlock.pipeline.steps import INTERRUPTED, NEXT_STEP, Step, next_step
from anonymize.events import AnonymisationInterrupted
from audit import Actor, AuditEvent
from catalog import (
    AuditEventRecord,
    Clock,
    ConflictError,
    Contract,
    Dataset,
    DatasetState,
    StoredCopy,
    get_dataset,
    live_copies,
    utcnow,
)
from intake import receive_upload
from intake.events import UploadInterrupted, ValidationInterrupted
from retention import Cause, due_of, rejected_due

if TYPE_CHECKING:
    from anonymize.dataset import AnonymisationReport
    from intake import ValidationReport
    from retention import Purger

log = logging.getLogger("airlock.pipeline")

Tick = Callable[[int], None]
Watch = Callable[[Step, str], AbstractContextManager[Tick]]
"""Progress of a step (the CLI's bars): entered per step with the dataset id; the step
calls the tick it yields with the entries (validation) or items (anonymisation) done."""

_INTERRUPTION = {DatasetState.VALIDATING: ValidationInterrupted,
                 DatasetState.ANONYMISING: AnonymisationInterrupted}


def _no_watch(_step: Step, _dataset_id: str) -> AbstractContextManager[Tick]:
    return nullcontext(lambda _n: None)


@dataclass
class Advanced:
    """What one `advance` did."""

    dataset_id: str
    state: DatasetState | None = None
    validation: ValidationReport | None = None
    anonymisation: AnonymisationReport | None = None
    interrupted: list[Step] = field(default_factory=list)
    failed: str | None = None
    """The failed step's exception class (drive only; advance raises)."""
    skipped: bool = False
    """Not run: waiting for its retry, or already running in this process."""


@dataclass
class Pipeline:
    instance: Instance
    executor: Executor = field(default_factory=LocalExecutor)
    clock: Clock = utcnow
    retries: Retries = field(default_factory=Retries)
    _running: set[str] = field(default_factory=set, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def receive(self, actor: Actor, contract: Contract, source: BinaryIO,
                on_progress: Callable[[int], None] | None = None) -> Dataset:
        """Stream an upload into a new dataset (state received); one that fails (too large,
        too slow, the client left) is purged at once, with a certificate, and its error
        raised."""
        return receive_upload(self.instance.transactions(actor), self.instance.vault, contract,
                              source, self.instance.settings.max_upload_bytes, on_progress,
                              on_failed=self._upload_failed)

    def _upload_failed(self, dataset_id: str) -> None:
        """Its failure is recorded; a purge that fails here is logged and left to the
        abandon step (the upload has no digest, so it is abandoned once stale)."""
        with self._claim(dataset_id) as claimed:
            if not claimed:
                return
            actor = acting_for(self._uploader(dataset_id))
            try:
                self.executor.run(Step.ABANDON, dataset_id, lambda: self._purger(actor).purge(
                    dataset_id, Cause.UPLOAD_FAILED, self.clock()))
            except Exception as exc:
                log_failure(f"dataset {dataset_id}: purge of a failed upload", exc)
                return
        log.info("dataset %s: upload failed, purged", dataset_id)

    def pending(self) -> list[str]:
        """Datasets with a step to run, oldest first: complete uploads (they have a digest;
        one still streaming has none), datasets a step was cut off in, uploads cut off
        longer ago than AIRLOCK_UPLOAD_ABANDON_SECONDS, and rejected datasets not held with
        copies left or whose report was kept AIRLOCK_REJECTED_REPORT_SECONDS."""
        from airlock.retention_jobs import due_rules

        states = [state for state, step in NEXT_STEP.items() if step is not None]
        copies_left = select(StoredCopy.id).where(StoredCopy.dataset_id == Dataset.id,
                                                  StoredCopy.deleted_at.is_(None)).exists()
        with self.instance.reading() as session:
            return list(session.scalars(
                select(Dataset.id)
                .where(Dataset.state.in_(states), Dataset.contract_id.is_not(None),
                       or_(Dataset.state != DatasetState.RECEIVED,
                           Dataset.upload_sha256.is_not(None),
                           and_(Dataset.upload_sha256.is_(None),
                                Dataset.created_at <= self._abandon_before())),
                       or_(Dataset.state != DatasetState.REJECTED,
                           and_(Dataset.legal_hold.is_(False),
                                or_(copies_left, rejected_due(self.clock(),
                                                              due_rules(self.instance))))))
                .order_by(Dataset.created_at)))

    def _abandon_before(self) -> datetime:
        return self.clock() - timedelta(seconds=self.instance.settings.upload_abandon_seconds)

    def _purge_due(self, session: Session, dataset: Dataset) -> tuple[Cause, datetime]:
        """The cause and due date the retention rules give the dataset."""
        from airlock.retention_jobs import due_rules

        due = due_of(session, dataset, due_rules(self.instance))
        if due is None:
            raise ConflictError(f"dataset {dataset.id} is already purged")
        return due

    def resume(self) -> int:
        """At start-up: every pending dataset, interrupted ones recorded as such; how many
        advanced without failing."""
        return sum(1 for dataset_id in self.pending()
                   if not (done := self.drive(dataset_id)).failed and not done.skipped)

    def drive(self, dataset_id: str) -> Advanced:
        """`advance` for callers with no one to report to (the upload's background task,
        start-up, the worker): a failure is logged (its type only) and retried later, with
        the backoff of `Retries`."""
        if not self.retries.due(dataset_id, self.clock()):
            return Advanced(dataset_id, skipped=True)
        try:
            done = self.advance(dataset_id)
        except Exception as exc:
            wait = self.retries.failed(dataset_id, self.clock())
            log.warning("dataset %s: %s; tried again in %d s", dataset_id, type(exc).__name__,
                        wait.total_seconds())
            return Advanced(dataset_id, failed=type(exc).__name__)
        self.retries.succeeded(dataset_id)
        return done

    def advance(self, dataset_id: str, watch: Watch = _no_watch,
                only: Step | None = None) -> Advanced:
        """Run the dataset's next steps until it reaches a state with none (or, with `only`,
        that one step, which must be next). A failure is logged, its type only, and raised."""
        done = Advanced(dataset_id)
        with self._claim(dataset_id) as claimed:
            if not claimed:
                done.skipped = True
                return done
            ran: set[Step] = set()
            while (step := self._next(dataset_id, only, done)) is not None and step not in ran:
                self._run(step, dataset_id, watch, done)
                ran.add(step)
                if only is not None:
                    # A rejection's copies go at once, even when only validation was asked.
                    if self._next(dataset_id, None, done) is Step.DELETE_COPIES:
                        self._run(Step.DELETE_COPIES, dataset_id, watch, done)
                    break
        return done

    @contextmanager
    def _claim(self, dataset_id: str) -> Iterator[bool]:
        """One run per dataset in this process: the upload's task and start-up's resume
        would otherwise both take a fresh upload."""
        with self._lock:
            if dataset_id in self._running:
                yield False
                return
            self._running.add(dataset_id)
        try:
            yield True
        finally:
            with self._lock:
                self._running.discard(dataset_id)

    def _next(self, dataset_id: str, only: Step | None, done: Advanced) -> Step | None:
        with self.instance.reading() as session:
            dataset = get_dataset(session, dataset_id)
            state = dataset.state
            rejected = state is DatasetState.REJECTED and not dataset.legal_hold
            step = next_step(state, dataset.upload_sha256 is not None,
                             dataset.created_at <= self._abandon_before(),
                             copies=rejected and bool(live_copies(session, dataset_id)),
                             due=rejected and self._purge_due(session, dataset)[1]
                             <= self.clock())
        done.state = state
        if only is not None and step is not only:
            raise ConflictError(f"dataset {dataset_id} is {state.value}; the {only.value} step "
                                "does not run in that state")
        return step

    def _run(self, step: Step, dataset_id: str, watch: Watch, done: Advanced) -> None:
        actor = acting_for(self._uploader(dataset_id))
        if not self.retries.failing(dataset_id) and \
                self._record_interruption(dataset_id, step, actor):
            done.interrupted.append(step)
            log.warning("dataset %s: the %s step was interrupted; %s", dataset_id,
                        "upload" if step is Step.ABANDON else step.value,
                        "abandoning it" if step is Step.ABANDON else "resuming it")
        log.info("dataset %s: %s started", dataset_id, step.value)
        try:
            with watch(step, dataset_id) as tick:
                if step is Step.VALIDATE:
                    done.validation = self.executor.run(
                        step, dataset_id, lambda: self._validate(actor, dataset_id, tick))
                    log.info("dataset %s: validate finished, %s with %d errors and %d "
                             "warnings", dataset_id, done.validation.outcome,
                             done.validation.errors, done.validation.warnings)
                elif step is Step.ANONYMISE:
                    done.anonymisation = self.executor.run(
                        step, dataset_id, lambda: self._anonymise(actor, dataset_id, tick))
                    log.info("dataset %s: anonymise finished, %d items", dataset_id,
                             done.anonymisation.items)
                else:
                    self.executor.run(step, dataset_id,
                                      lambda: self._purge(step, actor, dataset_id))
                    log.info("dataset %s: %s finished", dataset_id, step.value)
        except Exception as exc:
            log_failure(f"dataset {dataset_id}: {step.value}", exc)
            raise

    def _validate(self, actor: Actor, dataset_id: str, tick: Tick) -> ValidationReport:
        from intake import validate_dataset

        return validate_dataset(self.instance.transactions(actor), self.instance.vault,
                                dataset_id, self.instance.validation_options(), on_entry=tick)

    def _anonymise(self, actor: Actor, dataset_id: str, tick: Tick) -> AnonymisationReport:
        from airlock.anonymisation import anonymise  # the models load only when needed

        return anonymise(self.instance, actor, dataset_id, on_item=tick)

    def _purger(self, actor: Actor) -> Purger:
        from airlock.retention_jobs import purger

        return purger(self.instance, self.clock, actor)

    def _purge(self, step: Step, actor: Actor, dataset_id: str) -> None:
        """Abandon: the whole purge at once. A rejected dataset: its copies now, the rest
        (its key, then the certificate) once due."""
        if step is Step.ABANDON:
            self._purger(actor).purge(dataset_id, Cause.ABANDONED, self._abandon_before())
            return
        with self.instance.reading() as session:
            cause, due_at = self._purge_due(session, get_dataset(session, dataset_id))
        if step is Step.DELETE_COPIES:
            self._purger(actor).purge_copies(dataset_id, cause, due_at)
        else:
            self._purger(actor).purge(dataset_id, cause, due_at)

    def _uploader(self, dataset_id: str) -> str | None:
        """Who uploaded the dataset: the actor of its first audit event (the upload's)."""
        with self.instance.reading() as session:
            return session.scalar(
                select(AuditEventRecord.actor).where(AuditEventRecord.dataset_id == dataset_id)
                .order_by(AuditEventRecord.seq).limit(1))

    def _record_interruption(self, dataset_id: str, step: Step, actor: Actor) -> bool:
        """A step's own state found with no run of it live here: it was cut off (a stop, a
        crash). Recorded once, in the dataset's locked row, before the step runs again."""
        with self.instance.transaction(actor) as tx:
            dataset = get_dataset(tx.session, dataset_id, for_update=True)
            event: AuditEvent
            if step is Step.ABANDON and dataset.state is DatasetState.RECEIVED:
                event = UploadInterrupted(tenant=dataset.tenant_id, dataset=dataset_id,
                                          step="upload", then="abandoned")
            elif dataset.state in INTERRUPTED:
                event = _INTERRUPTION[dataset.state](
                    tenant=dataset.tenant_id, dataset=dataset_id, step=step.value,
                    then="resumed")
            else:
                return False
            tx.record(event)
            return True
