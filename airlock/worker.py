"""The worker: the retention sweep on a cron schedule and, between sweeps, the queue of
uploads to validate and datasets to anonymise that no request finished (a server stopped or
died mid-way). Several workers may share one database: the sweep lock lets one sweep run at
a time, and validation and anonymisation refuse to finish what another run finished."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from croniter import CroniterError, croniter

from airlock.anonymisation import WORKER as ANONYMISER
from airlock.anonymisation import anonymise, pending_anonymisations
from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from airlock.validation_jobs import WORKER as VALIDATOR
from airlock.validation_jobs import pending_validations
from catalog import Clock, utcnow
from intake import validate_dataset
from retention import Action

log = logging.getLogger("airlock.worker")

STEP_SECONDS = 0.5
"""The longest single sleep: a stop request is seen within this."""
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


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


def log_failure(what: str, exc: Exception) -> None:
    """The exception's class and where it was raised, never its message: messages can quote
    data (SQL parameters, archive entry names) that may be personal."""
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    where = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    log.error("%s failed: %s\n%s", what, kind, where)


@dataclass
class Retries:
    """A dataset whose processing failed waits before its next try, twice as long each time
    (one minute to one hour): one that always fails would otherwise be reworked, and its
    trace logged, at every poll."""

    waits: dict[str, tuple[timedelta, datetime]] = field(default_factory=dict)

    def due(self, dataset_id: str, now: datetime) -> bool:
        waiting = self.waits.get(dataset_id)
        return waiting is None or now >= waiting[1]

    def failed(self, dataset_id: str, now: datetime) -> None:
        previous = self.waits.get(dataset_id)
        wait = min(previous[0] * 2, LONGEST_RETRY) if previous else FIRST_RETRY
        self.waits[dataset_id] = (wait, now + wait)

    def succeeded(self, dataset_id: str) -> None:
        self.waits.pop(dataset_id, None)


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
    schedule: str
    """Cron expression of the sweep, in UTC; croniter's syntax (a sixth field counts seconds)."""
    poll_seconds: float
    clock: Clock = utcnow
    sleep: Callable[[float], None] = time.sleep
    retries: Retries = field(default_factory=Retries, init=False, repr=False)

    def __post_init__(self) -> None:
        check_schedule(self.schedule, self.clock())

    def next_sweep_after(self, moment: datetime) -> datetime:
        return first_fire_after(self.schedule, moment)

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
            now = self.clock()
            if now >= next_sweep:
                self.sweep()
                next_sweep = self.next_sweep_after(self.clock())
            elif now >= next_poll:
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
        log.info("retention sweep at %s: %d due, %d purged, %d held, %d failed",
                 report.ran_at.isoformat(), len(report.entries), report.count(Action.PURGED),
                 report.count(Action.HELD), len(failed))
        for dataset_id in failed:
            log.warning("purging dataset %s failed; the next sweep retries it", dataset_id)
        return not failed

    def process_queue(self, interrupted: Callable[[], bool]) -> QueuePass | None:
        """Validate every pending upload, then anonymise every validated dataset (those just
        validated included), checking `interrupted` before each. None if the queue could not
        be read (logged)."""
        try:
            validated, failed, cut = self._drain(pending_validations(self.instance),
                                                 "validating", self._validate, interrupted)
            anonymised = 0
            if not cut:
                anonymised, failed_after, cut = self._drain(
                    pending_anonymisations(self.instance), "anonymising", self._anonymise,
                    interrupted)
                failed += failed_after
        except Exception as exc:
            log_failure("reading the queue", exc)
            return None
        if validated or anonymised or failed:
            log.info("queue: %d validated, %d anonymised, %d failed", validated, anonymised,
                     failed)
        return QueuePass(validated, anonymised, failed, cut)

    def _drain(self, dataset_ids: list[str], what: str, work: Callable[[str], None],
               interrupted: Callable[[], bool]) -> tuple[int, int, bool]:
        """(succeeded, failed, interrupted). A failure is logged and retried later."""
        succeeded = failed = 0
        for dataset_id in dataset_ids:
            if interrupted():
                return succeeded, failed, True
            if not self.retries.due(dataset_id, self.clock()):
                continue
            try:
                work(dataset_id)
            except Exception as exc:
                log_failure(f"{what} dataset {dataset_id}", exc)
                self.retries.failed(dataset_id, self.clock())
                failed += 1
            else:
                self.retries.succeeded(dataset_id)
                succeeded += 1
        return succeeded, failed, False

    def _validate(self, dataset_id: str) -> None:
        report = validate_dataset(self.instance.transactions(VALIDATOR), self.instance.vault,
                                  dataset_id, self.instance.validation_options())
        log.info("dataset %s validated: %s", dataset_id, report.outcome)

    def _anonymise(self, dataset_id: str) -> None:
        anonymise(self.instance, ANONYMISER, dataset_id)
        log.info("dataset %s anonymised: ready", dataset_id)
