"""The worker: the retention sweep on a cron schedule and, between sweeps, the pipeline's
queue: uploads to validate and datasets to anonymise that no request finished (a server
stopped or died mid-way). Several workers may share one database: the sweep lock lets one
sweep run at a time, and the pipeline's hold on each dataset's step one run of it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from croniter import CroniterError, croniter

from airlock.instance import Instance
from airlock.metrics.instruments import SWEEP_DATASETS, WORKER_HEARTBEAT
from airlock.pipeline import Pipeline, log_failure
from airlock.request_origins import RequestOrigins
from airlock.retention_jobs import sweeper
from catalog import Clock, utcnow
from retention import Action

log = logging.getLogger("airlock.worker")

STEP_SECONDS = 0.5
"""The longest single sleep: a stop request or a wake is seen within this."""
NEVER = datetime.max.replace(tzinfo=UTC)


def first_fire_after(schedule: str, moment: datetime) -> datetime:
    """The schedule's first fire time strictly after `moment`, in `moment`'s time zone."""
    return croniter(schedule, moment).get_next(datetime)


def check_schedule(schedule: str, now: datetime) -> None:
    try:
        first_fire_after(schedule, now)  # parses, and finds that it ever fires (not 31 Feb)
    except CroniterError as exc:
        raise ValueError(
            f"AIRLOCK_RETENTION_SCHEDULE {schedule!r} is not a usable cron expression ({exc}); "
            "five fields, e.g. '0 * * * *' for hourly, or six with seconds last, e.g. "
            "'0 * * * * */30' for every 30 seconds") from None


@dataclass
class QueuePass:
    validated: int = 0
    anonymised: int = 0
    failed: int = 0
    interrupted: bool = False
    """Stopped early (a stop request, or a sweep fell due): the rest waits for the next."""


@dataclass
class Worker:
    instance: Instance
    schedule: str | None
    """Cron expression of the sweep, in UTC; croniter's syntax (a sixth field counts seconds).
    None: no sweep (`serve`'s own worker, which runs the queue only, as serve always did)."""
    poll_seconds: float
    clock: Clock = utcnow
    sleep: Callable[[float], None] = time.sleep
    wake: threading.Event = field(default_factory=threading.Event)
    """Set to look at the queue now, not at the next poll (`serve` hands over a dataset)."""
    origins: RequestOrigins = field(default_factory=RequestOrigins)
    """The requests that queued the datasets `serve` handed over: their steps log their ids."""
    pipeline: Pipeline = field(init=False, repr=False)
    """Its retry policy spaces the tries of a dataset that keeps failing."""

    def __post_init__(self) -> None:
        if self.schedule is not None:
            check_schedule(self.schedule, self.clock())
        self.pipeline = Pipeline(self.instance, clock=self.clock)

    def next_sweep_after(self, moment: datetime) -> datetime:
        return NEVER if self.schedule is None else first_fire_after(self.schedule, moment)

    def run_once(self) -> bool:
        """One sweep, then one pass over the queue; False if anything failed (it is logged)."""
        swept = self.sweep()
        done = self.process_queue(lambda: False)
        return swept and done is not None and not done.failed

    def run_forever(self, stop: threading.Event) -> None:
        """Sweep at every fire time, look at the queue every poll interval in between, until
        `stop` is set. Fire times missed while a sweep or a dataset was being worked on are
        not made up: the next sweep finds everything that is due anyway."""
        next_sweep = self.next_sweep_after(self.clock())
        next_poll = self.clock()
        while not stop.is_set():
            WORKER_HEARTBEAT.set_to_current_time()
            now = self.clock()
            if now >= next_sweep:
                self.sweep()
                next_sweep = self.next_sweep_after(self.clock())
            elif now >= next_poll or self.wake.is_set():
                self.wake.clear()  # before the pass: a dataset handed over during it gets another
                self.checkpoint()
                if self._poll_until(stop, next_sweep):
                    next_poll = self.clock() + timedelta(seconds=self.poll_seconds)
            else:
                self.sleep(min(STEP_SECONDS, (min(next_sweep, next_poll) - now).total_seconds()))

    def _poll_until(self, stop: threading.Event, next_sweep: datetime) -> bool:
        """One queue pass that yields to a stop request or a due sweep between datasets;
        True when it went through the whole queue (or failed and is to be retried)."""
        done = self.process_queue(lambda: stop.is_set() or self.clock() >= next_sweep)
        return done is None or not done.interrupted

    def checkpoint(self) -> bool:
        """Sign the audit log's tail once it passed AIRLOCK_CHECKPOINT_EVERY_SECONDS, also
        when no new event would trigger it. Never raises."""
        try:
            return self.instance.checkpoint_if_due()
        except Exception as exc:
            log_failure("audit checkpoint", exc)
            return False

    def sweep(self) -> bool:
        """One sweep; True when it ran (or another worker's was running) and every purge
        succeeded. Never raises: the loop goes on and the next sweep retries."""
        try:
            report = sweeper(self.instance, self.clock).run()
        except Exception as exc:
            log_failure("retention sweep", exc)
            return False
        if report.locked_out:
            log.info("retention sweep skipped: another sweep holds the lock")
            return True
        failed = [e.dataset_id for e in report.entries if e.action is Action.FAILED]
        for action in (Action.PURGED, Action.HELD, Action.FAILED):
            SWEEP_DATASETS.labels(action.value).inc(report.count(action))
        log.info("retention sweep at %s: %d due, %d purged, %d held, %d failed",
                 report.ran_at.isoformat(), len(report.entries), report.count(Action.PURGED),
                 report.count(Action.HELD), len(failed))
        for dataset_id in failed:
            log.warning("purging dataset %s failed; the next sweep retries it", dataset_id)
        return not failed

    def process_queue(self, interrupted: Callable[[], bool]) -> QueuePass | None:
        """Advance every dataset the pipeline has work for (an interrupted step is recorded,
        then resumed), checking `interrupted` before each. None if the queue could not be
        read (logged)."""
        try:
            pending = self.pipeline.pending()
        except Exception as exc:
            log_failure("reading the queue", exc)
            return None
        done = QueuePass()
        for dataset_id in pending:
            if interrupted():
                done.interrupted = True
                break
            with self.origins.restored(dataset_id):
                advanced = self.pipeline.drive(dataset_id)
            if not advanced.skipped and not advanced.failed:  # else tried again later
                self.origins.done(dataset_id)
            done.validated += advanced.validation is not None
            done.anonymised += advanced.anonymisation is not None
            done.failed += advanced.failed is not None
        if done.validated or done.anonymised or done.failed:
            log.info("queue: %d validated, %d anonymised, %d failed", done.validated,
                     done.anonymised, done.failed)
        return done
