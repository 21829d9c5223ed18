"""The pipeline's actor, retry policy and logging policy."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from audit import Actor

log = logging.getLogger("airlock.pipeline")

PIPELINE_ACTOR = "airlock-pipeline"
"""The system actor of every step; its events name the uploader it acts for (`on_behalf_of`)."""

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def acting_for(uploader: str | None) -> Actor:
    return Actor(id=PIPELINE_ACTOR, role="system", on_behalf_of=uploader)


def log_failure(what: str, exc: BaseException) -> None:
    """The exception's class and where it was raised, never its message: messages can quote
    data (SQL parameters, archive entry names, label values) that may be personal."""
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    where = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    log.error("%s failed: %s\n%s", what, kind, where)


@dataclass
class Retries:
    """A dataset whose step failed waits before its next try, twice as long each time (one
    minute to one hour): one that always fails would otherwise be reworked, and its trace
    logged, at every poll."""

    waits: dict[str, tuple[timedelta, datetime]] = field(default_factory=dict)

    def due(self, dataset_id: str, now: datetime) -> bool:
        waiting = self.waits.get(dataset_id)
        return waiting is None or now >= waiting[1]

    def failed(self, dataset_id: str, now: datetime) -> timedelta:
        """Note the failure; returns how long the dataset now waits."""
        previous = self.waits.get(dataset_id)
        wait = min(previous[0] * 2, LONGEST_RETRY) if previous else FIRST_RETRY
        self.waits[dataset_id] = (wait, now + wait)
        return wait

    def failing(self, dataset_id: str) -> bool:
        """Its last try failed (here): left mid-step by that failure, not cut off."""
        return dataset_id in self.waits

    def succeeded(self, dataset_id: str) -> None:
        self.waits.pop(dataset_id, None)
