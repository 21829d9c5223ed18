"""This process's hold on a dataset's step: the `step_runs` row, renewed by a heartbeat that
also writes the step's progress, at most about once a second."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from catalog import Claim, Clock, claim_step_run, release_step_run, renew_step_run

log = logging.getLogger("airlock.pipeline")

PROGRESS_SECONDS = 1.0
"""How often the heartbeat looks for progress to write."""


@dataclass
class StepLease:
    sessions: sessionmaker[Session]
    dataset_id: str
    owner: str
    clock: Clock
    seconds: float
    """A holder whose heartbeat stopped this long ago has lost its hold."""
    step: str = ""
    started_at: datetime | None = None
    done: int = 0
    total: int | None = None
    shards_done: int | None = None
    shards_total: int | None = None
    _changed: bool = field(default=False, init=False)
    _written_at: datetime | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _heart: threading.Thread | None = field(default=None, init=False, repr=False)

    def take(self, step: str) -> Claim:
        """Take the hold unless a live holder (another process, or another thread of this
        one) has it; once taken, the heartbeat runs until `release`."""
        now = self.clock()
        with self.sessions() as session, session.begin():
            claim = claim_step_run(session, self.dataset_id, step, self.owner, now,
                                   now - timedelta(seconds=self.seconds))
        if claim.taken:
            self.step, self.started_at, self._written_at = step, now, now
            self._heart = threading.Thread(target=self._beat, daemon=True,
                                           name=f"heartbeat-{self.dataset_id}")
            self._heart.start()
        return claim

    def begin(self, step: str) -> None:
        """A step of the run begins: its name, and counts from zero."""
        with self._lock:
            self.step, self.started_at, self.done, self.total = step, self.clock(), 0, None
            self.shards_done = self.shards_total = None
        self._write()

    def started(self, total: int | None, shards: int | None = None) -> None:
        with self._lock:
            self.total, self.shards_total, self._changed = total, shards, True
            self.shards_done = None if shards is None else 0

    def advanced(self, done: int) -> None:
        with self._lock:
            self.done += done
            self._changed = True

    def shard_done(self) -> None:
        with self._lock:
            if self.shards_done is not None:
                self.shards_done += 1
                self._changed = True

    def release(self) -> None:
        """Never raises: a hold that could not be released lapses after `seconds`."""
        self._stop.set()
        if self._heart is not None:
            self._heart.join()
        try:
            with self.sessions() as session, session.begin():
                release_step_run(session, self.dataset_id, self.owner)
        except Exception as exc:  # the type only
            log.warning("dataset %s: releasing the hold of the %s step failed: %s",
                        self.dataset_id, self.step, type(exc).__name__)

    def _beat(self) -> None:
        renew_every = timedelta(seconds=self.seconds / 4)
        while not self._stop.wait(PROGRESS_SECONDS):
            written = self._written_at
            if self._changed or written is None or self.clock() - written >= renew_every:
                self._write()

    def _write(self) -> None:
        with self._lock:
            step, started_at, done, total = self.step, self.started_at, self.done, self.total
            shards_done, shards_total = self.shards_done, self.shards_total
            self._changed = False
        now = self.clock()
        assert started_at is not None
        try:
            with self.sessions() as session, session.begin():
                held = renew_step_run(session, self.dataset_id, self.owner, step, started_at,
                                      now, done, total, shards_done, shards_total)
        except Exception as exc:  # the type only; the next beat tries again
            log.warning("dataset %s: the heartbeat of the %s step failed: %s", self.dataset_id,
                        step, type(exc).__name__)
            return
        self._written_at = now
        if not held:  # another process runs the step now; its finish refuses a second one
            log.warning("dataset %s: the %s step's hold lapsed and was taken over",
                        self.dataset_id, step)
            self._stop.set()
