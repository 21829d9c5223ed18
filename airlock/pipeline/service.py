"""`Pipeline.advance`: run the steps the state table names until a dataset rests."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from airlock.instance import Instance
from airlock.metrics.instruments import STEP_DURATION, STEP_ITEMS
from airlock.pipeline.executor import Executor
from airlock.pipeline.lease import StepLease
from airlock.pipeline.policy import Retries, acting_for, log_failure
from airlock.pipeline.steps import INTERRUPTED, NEXT_STEP, Step, next_step
from anonymize.events import AnonymisationInterrupted
from audit import Actor, AuditEvent, Transaction
from catalog import (
    AuditEventRecord,
    Clock,
    ConflictError,
    Contract,
    Dataset,
    DatasetState,
    NoProgress,
    Progress,
    StepJob,
    StoredCopy,
    Upload,
    UploadState,
    get_dataset,
    live_copies,
    process_owner,
    run_step_job,
    upload_of_dataset,
    utcnow,
)
from intake import (
    ArchiveDigestMismatchError,
    MultipartRules,
    abort_upload,
    complete_upload,
    expire_upload,
    given_up,
    receive_upload,
)
from intake.events import UploadInterrupted, ValidationInterrupted
from retention import Cause, due_of, rejected_due

if TYPE_CHECKING:
    from anonymize.dataset import AnonymisationReport
    from intake import ValidationReport
    from retention import Purger

log = logging.getLogger("airlock.pipeline")

T = TypeVar("T")
Plan = TypeVar("Plan")
Result = TypeVar("Result")
Watch = Callable[[Step, str], AbstractContextManager[Progress]]
"""Progress of a step (the CLI's bars): entered per step with the dataset id; the step tells
the progress it yields of its start, the entries (validation) or items (anonymisation) done
and its shards done."""

_INTERRUPTION = {DatasetState.VALIDATING: ValidationInterrupted,
                 DatasetState.ANONYMISING: AnonymisationInterrupted}


@dataclass
class _Progress:
    """A step's progress, to its row in the catalog and to the caller's watch; its start
    logged with the count to do."""

    lease: StepLease
    watched: Progress
    step: Step
    dataset_id: str

    def started(self, total: int | None, shards: int | None = None) -> None:
        self.lease.started(total, shards)
        self.watched.started(total, shards)
        if total is None:
            log.info("dataset %s: %s started", self.dataset_id, self.step.value)
        elif shards is None:
            log.info("dataset %s: %s started, %d items", self.dataset_id, self.step.value,
                     total)
        else:
            log.info("dataset %s: %s started, %d items, %d shard(s)", self.dataset_id,
                     self.step.value, total, shards)

    def advanced(self, done: int) -> None:
        self.lease.advanced(done)
        self.watched.advanced(done)

    def shard_done(self) -> None:
        self.lease.shard_done()
        self.watched.shard_done()


def _no_watch(_step: Step, _dataset_id: str) -> AbstractContextManager[Progress]:
    return nullcontext(NoProgress())


def _no_handoff(_dataset_id: str) -> None:
    """Nobody to tell: the processes that run the step find the dataset when they poll."""


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
    """Not run: waiting for its retry, or running in another process or thread."""
    held_by: str | None = None
    """The process whose live hold on the dataset's step made it skip (`host:pid:start`)."""


@dataclass
class Pipeline:
    instance: Instance
    executor: Executor | None = None
    """Where shard tasks run; default: AIRLOCK_DASK_SCHEDULER's cluster, else here."""
    clock: Clock = utcnow
    retries: Retries = field(default_factory=Retries)
    owner: str = field(default_factory=process_owner)
    """Who holds the steps this pipeline runs (`catalog.StepRun`): this process."""
    steps: frozenset[Step] = frozenset(Step)
    """The steps this process runs; a dataset whose next step is not among them rests here
    for another process (`serve` leaves anonymisation to a worker: it never loads models)."""
    handoff: Callable[[str], None] = _no_handoff
    """Called with the id of a dataset left for another process's step (`serve` wakes its
    worker with it)."""
    runs_on: Executor = field(init=False)

    def __post_init__(self) -> None:
        from airlock.cluster import executor_for

        self.runs_on = self.executor or executor_for(self.instance.settings)

    def receive(self, actor: Actor, contract: Contract, source: BinaryIO,
                on_progress: Callable[[int], None] | None = None) -> Dataset:
        """Stream an upload into a new dataset (state received); one that fails (too large,
        too slow, the client left) is purged at once, with a certificate, and its error
        raised."""
        return receive_upload(self.instance.transactions(actor), self.instance.vault, contract,
                              source, self.instance.settings.max_upload_bytes, on_progress,
                              on_failed=self._upload_failed)

    def multipart_rules(self) -> MultipartRules:
        settings = self.instance.settings
        return MultipartRules(max_bytes=settings.max_upload_bytes,
                              default_part_size=settings.upload_part_size_bytes,
                              min_part_size=settings.upload_min_part_size_bytes,
                              expiry=timedelta(hours=settings.upload_expiry_hours))

    def complete_upload(self, actor: Actor, upload_id: str) -> Dataset:
        """Complete a multipart upload (its dataset then waits for validation); one whose
        parts do not have the declared SHA-256 is purged at once, with a certificate, and
        ArchiveDigestMismatchError raised."""
        try:
            return complete_upload(self.instance.transactions(actor), self.instance.vault,
                                   upload_id, self.clock)
        except ArchiveDigestMismatchError as exc:
            self._upload_failed(exc.dataset_id)
            raise

    def abort_upload(self, actor: Actor, upload_id: str) -> str:
        """Abort a multipart upload and purge it, with a certificate; its dataset id."""
        dataset_id = abort_upload(self.instance.transactions(actor), upload_id, self.clock)
        self._upload_failed(dataset_id)
        return dataset_id

    def _upload_failed(self, dataset_id: str) -> None:
        """Its failure is recorded; a purge that fails here is logged and left to the
        abandon step (the upload has no digest, so it is abandoned once stale)."""
        with self._hold(dataset_id, Step.ABANDON, Advanced(dataset_id)) as lease:
            if lease is None:
                return
            lease.begin(Step.ABANDON.value)
            actor = acting_for(self._uploader(dataset_id))
            try:
                self.runs_on.run(Step.ABANDON, dataset_id, lambda: self._purger(actor).purge(
                    dataset_id, Cause.UPLOAD_FAILED, self.clock()))
            except Exception as exc:
                log_failure(f"dataset {dataset_id}: purge of a failed upload", exc)
                return
        log.info("dataset %s: upload failed, purged", dataset_id)

    def pending(self) -> list[str]:
        """Datasets with a step to run, oldest first: complete uploads (they have a digest;
        one still streaming has none), datasets a step was cut off in, uploads cut off
        longer ago than AIRLOCK_UPLOAD_ABANDON_SECONDS, multipart uploads expired or closed
        without completing (their purge failed the first time), and rejected datasets not held with
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
                           self._stale_upload()),
                       or_(Dataset.state != DatasetState.REJECTED,
                           and_(Dataset.legal_hold.is_(False),
                                or_(copies_left, rejected_due(self.clock(),
                                                              due_rules(self.instance))))))
                .order_by(Dataset.created_at)))

    def _stale_upload(self) -> ColumnElement[bool]:
        """An unfinished upload to give up: a multipart one by its own expiry or state, a
        single-request one AIRLOCK_UPLOAD_ABANDON_SECONDS after it began."""
        multipart = select(Upload.id).where(Upload.dataset_id == Dataset.id)
        return or_(and_(~multipart.exists(), Dataset.created_at <= self._abandon_before()),
                   multipart.where(or_(Upload.state != UploadState.OPEN.value,
                                       Upload.expires_at <= self.clock())).exists())

    def _stale(self, session: Session, dataset: Dataset) -> bool:
        upload = upload_of_dataset(session, dataset.id)
        if upload is None:
            return dataset.created_at <= self._abandon_before()
        return given_up(upload, self.clock())

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
        """Run the dataset's next steps until it reaches a state with none, or whose step
        another process runs (or, with `only`, that one step, which must be next). A failure
        is logged, its type only, and raised. Skipped while another process (or thread)
        holds the dataset's step; with `only`, that is a ConflictError."""
        done = Advanced(dataset_id)
        first = self._next(dataset_id, only, done)
        if first is None or self._hand_off(first, dataset_id):
            return done
        with self._hold(dataset_id, first, done) as lease:
            if lease is None and only is not None:  # asked for by name: say why not
                raise ConflictError(f"dataset {dataset_id}: its {first.value} step is running "
                                    f"in another process ({done.held_by or 'unknown'})")
            if lease is None:
                return done
            ran: set[Step] = set()
            while (step := self._next(dataset_id, only, done)) is not None and step not in ran \
                    and step in self.steps:
                self._run(step, dataset_id, watch, done, lease)
                ran.add(step)
                if only is not None:
                    # A rejection's copies go at once, even when only validation was asked.
                    if self._next(dataset_id, None, done) is Step.DELETE_COPIES:
                        self._run(Step.DELETE_COPIES, dataset_id, watch, done, lease)
                    break
        if step is not None:  # handed off once the hold is released, for the taker to take
            self._hand_off(step, dataset_id)
        return done

    def _hand_off(self, step: Step, dataset_id: str) -> bool:
        """True when the step is another process's; it is then handed the dataset."""
        if step in self.steps:
            return False
        self.handoff(dataset_id)
        return True

    @contextmanager
    def _hold(self, dataset_id: str, step: Step, done: Advanced) -> Iterator[StepLease | None]:
        """One run per dataset across processes: the step's lease in the catalog, taken
        over when its holder's heartbeat stopped or its process died on this host."""
        lease = StepLease(self.instance.sessions, dataset_id, self.owner, self.clock,
                          self.instance.settings.step_lease_seconds)
        claim = lease.take(step.value)
        if not claim.taken:
            done.skipped, done.held_by = True, claim.holder
            log.debug("dataset %s: skipped, %s holds its step", dataset_id, claim.holder)
            yield None
            return
        if claim.holder is not None:
            log.warning("dataset %s: took over the step of %s (its hold lapsed or it died)",
                        dataset_id, claim.holder)
        try:
            yield lease
        finally:
            lease.release()

    def _next(self, dataset_id: str, only: Step | None, done: Advanced) -> Step | None:
        with self.instance.reading() as session:
            dataset = get_dataset(session, dataset_id)
            state = dataset.state
            rejected = state is DatasetState.REJECTED and not dataset.legal_hold
            step = next_step(state, dataset.upload_sha256 is not None,
                             self._stale(session, dataset),
                             copies=rejected and bool(live_copies(session, dataset_id)),
                             due=rejected and self._purge_due(session, dataset)[1]
                             <= self.clock())
        done.state = state
        if only is not None and step is not only:
            raise ConflictError(f"dataset {dataset_id} is {state.value}; the {only.value} step "
                                "does not run in that state")
        return step

    def _run(self, step: Step, dataset_id: str, watch: Watch, done: Advanced,
             lease: StepLease) -> None:
        actor = acting_for(self._uploader(dataset_id))
        if not self.retries.failing(dataset_id) and \
                self._record_interruption(dataset_id, step, actor):
            done.interrupted.append(step)
            log.warning("dataset %s: the %s step was interrupted; %s", dataset_id,
                        "upload" if step is Step.ABANDON else step.value,
                        "abandoning it" if step is Step.ABANDON else "resuming it")
        lease.begin(step.value)
        started, outcome = time.perf_counter(), "failed"
        try:
            with watch(step, dataset_id) as watched:
                progress = _Progress(lease, watched, step, dataset_id)
                if step is Step.VALIDATE:
                    done.validation = self._validate(actor, dataset_id, progress)
                    log.info("dataset %s: validate finished, %s with %d errors and %d "
                             "warnings, %d entries", dataset_id, done.validation.outcome,
                             done.validation.errors, done.validation.warnings, lease.done)
                elif step is Step.ANONYMISE:
                    done.anonymisation = self._anonymise(actor, dataset_id, progress)
                    log.info("dataset %s: anonymise finished, %d items", dataset_id,
                             done.anonymisation.items)
                else:
                    log.info("dataset %s: %s started", dataset_id, step.value)
                    self.runs_on.run(step, dataset_id,
                                      lambda: self._purge(step, actor, dataset_id))
                    log.info("dataset %s: %s finished", dataset_id, step.value)
            outcome = "ok"
        except Exception as exc:
            log_failure(f"dataset {dataset_id}: {step.value}", exc)
            raise
        finally:
            STEP_DURATION.labels(step.value, outcome).observe(time.perf_counter() - started)
            if step in (Step.VALIDATE, Step.ANONYMISE):
                STEP_ITEMS.labels(step.value).inc(lease.done)

    def _validate(self, actor: Actor, dataset_id: str, progress: Progress) -> ValidationReport:
        from intake import ValidationJob

        job = ValidationJob(self.instance.vault, dataset_id, self.instance.validation_options(),
                            signer=self.instance.signer)
        return self._run_job(Step.VALIDATE, actor, job, progress).report

    def _anonymise(self, actor: Actor, dataset_id: str,
                   progress: Progress) -> AnonymisationReport:
        from airlock.anonymisation import anonymisation_job  # the models load only when needed

        return self._run_job(Step.ANONYMISE, actor,
                             anonymisation_job(self.instance, dataset_id, self.runs_on), progress)

    def _run_job(self, step: Step, actor: Actor, job: StepJob[Transaction, Plan, Result],
                 progress: Progress) -> Result:
        """The job's units of work run here, its heavy part on the executor."""
        def produce(work: Callable[[], T]) -> T:
            return self.runs_on.run(step, job.dataset_id, work)

        return run_step_job(self.instance.transactions(actor), job, produce, progress)

    def _purger(self, actor: Actor) -> Purger:
        from airlock.retention_jobs import purger

        return purger(self.instance, self.clock, actor)

    def _purge(self, step: Step, actor: Actor, dataset_id: str) -> None:
        """Abandon: the whole purge at once. A rejected dataset: its copies now, the rest
        (its key, then the certificate) once due."""
        if step is Step.ABANDON:
            self._purger(actor).purge(dataset_id, *self._abandon_cause(dataset_id))
            return
        with self.instance.reading() as session:
            cause, due_at = self._purge_due(session, get_dataset(session, dataset_id))
        if step is Step.DELETE_COPIES:
            self._purger(actor).purge_copies(dataset_id, cause, due_at)
        else:
            self._purger(actor).purge(dataset_id, cause, due_at)

    def _abandon_cause(self, dataset_id: str) -> tuple[Cause, datetime]:
        """A multipart upload expired at its expiry, or failed when it was closed; a
        single-request one was abandoned once stale."""
        with self.instance.reading() as session:
            upload = upload_of_dataset(session, dataset_id)
        if upload is None:
            return Cause.ABANDONED, self._abandon_before()
        if upload.state in (UploadState.EXPIRED.value, UploadState.OPEN.value):
            return Cause.UPLOAD_EXPIRED, upload.expires_at
        return Cause.UPLOAD_FAILED, upload.expires_at

    def _uploader(self, dataset_id: str) -> str | None:
        """Who uploaded the dataset: the actor of its first audit event (the upload's)."""
        with self.instance.reading() as session:
            return session.scalar(
                select(AuditEventRecord.actor).where(AuditEventRecord.dataset_id == dataset_id)
                .order_by(AuditEventRecord.seq).limit(1))

    def _record_interruption(self, dataset_id: str, step: Step, actor: Actor) -> bool:
        """A step's own state found with no run of it live here: it was cut off (a stop, a
        crash). Recorded once, in the dataset's locked row, before the step runs again. A
        multipart upload given up is no interruption: its expiry is recorded instead."""
        if step is Step.ABANDON:
            with self.instance.reading() as session:
                multipart = upload_of_dataset(session, dataset_id) is not None
            if multipart:
                expire_upload(self.instance.transactions(actor), dataset_id, self.clock())
                return False
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
