"""One shape for the job of a pipeline step, and the one runner of every such job.

A job starts in a short unit of work (its dataset enters the step's state, or resumes it);
produces its result with no transaction held, the heavy work, run where the caller says
(here, or on the pipeline's executor); and finishes in one unit of work. When producing or
finishing fails, the job discards what it wrote outside the database, records the failure
in a unit of work of its own, and the error goes on to the caller.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Generic, Protocol, TypeVar

log = logging.getLogger("airlock.jobs")

Tx = TypeVar("Tx")
Plan = TypeVar("Plan")
Result = TypeVar("Result")
T = TypeVar("T")


class Produce(Protocol):
    """Where a job's work runs: here, or on an executor."""

    def __call__(self, work: Callable[[], T]) -> T: ...


class Advance(Protocol):
    """What a job's heavy work reports as it goes."""

    def advanced(self, done: int) -> None:
        """`done` more entries or items are done."""

    def shard_done(self) -> None:
        """One more of the job's shards is done."""


class Progress(Advance, Protocol):
    def started(self, total: int | None, shards: int | None = None) -> None:
        """The job started: `total` entries or items to do (None: not known up front), cut
        into `shards` shards (None: not cut into shards)."""


class StepJob(ABC, Generic[Tx, Plan, Result]):
    what: str = "step"
    """The step's name in logs."""

    def __init__(self, dataset_id: str) -> None:
        self.dataset_id = dataset_id

    @abstractmethod
    def start(self, tx: Tx) -> Plan:
        """Enter the step's state (or find it there, to resume) and gather what producing
        needs; raises ConflictError where the step does not run."""

    def total(self, plan: Plan) -> int | None:
        return None

    def shards(self, plan: Plan) -> int | None:
        """How many shards producing reports done; None when it is not cut into shards."""
        return None

    @abstractmethod
    def produce(self, plan: Plan, progress: Advance) -> Result:
        """The heavy work, with no transaction held; tells `progress` as it goes."""

    @abstractmethod
    def finish(self, tx: Tx, plan: Plan, result: Result) -> None:
        """Record the result."""

    def discard(self, plan: Plan) -> None:
        """After a failure, with no transaction held: delete what was written outside the
        database."""

    def fail(self, tx: Tx, plan: Plan, exc: BaseException) -> None:
        """After a failure: record it."""


class NoProgress:
    """Progress told to no one."""

    def started(self, total: int | None, shards: int | None = None) -> None:
        pass

    def advanced(self, done: int) -> None:
        pass

    def shard_done(self) -> None:
        pass


def run_here(work: Callable[[], T]) -> T:
    return work()


def run_step_job(transactions: Callable[[], AbstractContextManager[Tx]],
                 job: StepJob[Tx, Plan, Result], produce: Produce = run_here,
                 progress: Progress | None = None) -> Result:
    """Start, produce (through `produce`), finish; on failure discard and record it, then
    raise."""
    progress = progress or NoProgress()
    with transactions() as tx:
        plan = job.start(tx)
    progress.started(job.total(plan), job.shards(plan))
    try:
        result = produce(lambda: job.produce(plan, progress))
        with transactions() as tx:
            job.finish(tx, plan, result)
    except BaseException as exc:
        job.discard(plan)
        try:
            with transactions() as tx:
                job.fail(tx, plan, exc)
        except Exception as error:  # the type only: a message can quote data
            log.error("recording the failed %s of dataset %s failed: %s", job.what,
                      job.dataset_id, type(error).__name__)
        raise
    return result
