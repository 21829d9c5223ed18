"""Which process runs a pipeline step on a dataset, and how far it got.

A row is a lease: taken atomically (a conditional INSERT or UPDATE, on SQLite and
PostgreSQL alike), renewed by its holder's heartbeat while the step runs, deleted at the end.
A row whose heartbeat stopped longer ago than the lease, or whose holder died on this host,
is taken over. Counts and the step's name only: nothing a dataset holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    CursorResult,
    ForeignKey,
    Integer,
    String,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.base import Base, UTCDateTime
from catalog.process_owner import owner_is_dead


class StepRun(Base):
    __tablename__ = "step_runs"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(128))
    """`host:pid:start` of the process running the step (`catalog.process_owner`)."""
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    items_done: Mapped[int] = mapped_column(BigInteger)
    """Archive entries read (validation) or items written (anonymisation)."""
    items_total: Mapped[int | None] = mapped_column(BigInteger)
    """None while unknown (an archive's entries are counted as it is read)."""
    shards_done: Mapped[int | None] = mapped_column(Integer)
    shards_total: Mapped[int | None] = mapped_column(Integer)
    """The step's shards done and to do; None when its work is not cut into shards
    (validation reads one archive)."""

    @property
    def items_per_second(self) -> float | None:
        """Items a second from the start to the last heartbeat, when `items_done` was last
        written; None before the first item."""
        seconds = (self.heartbeat_at - self.started_at).total_seconds()
        if self.items_done == 0 or seconds <= 0:
            return None
        return self.items_done / seconds


@dataclass(frozen=True)
class Claim:
    taken: bool
    holder: str | None
    """Who holds the lease (not taken), or whose lapsed lease was taken over; None when
    there was none."""


def claim_step_run(session: Session, dataset_id: str, step: str, owner: str, now: datetime,
                   lapsed_before: datetime) -> Claim:
    """Take the dataset's lease unless a live holder has it: one that is not `owner`'s
    dead process and beat after `lapsed_before`. The caller's own live process counts as
    a holder too (another thread of it runs the step)."""
    found = session.get(StepRun, dataset_id)
    if found is None:
        try:
            with session.begin_nested():
                session.add(StepRun(dataset_id=dataset_id, step=step, owner=owner,
                                    started_at=now, heartbeat_at=now, items_done=0))
        except IntegrityError:  # another process inserted it first
            return Claim(False, None)
        return Claim(True, None)
    holder, dead = found.owner, owner_is_dead(found.owner)
    if not dead and found.heartbeat_at >= lapsed_before:
        return Claim(False, holder)
    # Compare and set: only if no one took it or beat meanwhile.
    stale = StepRun.owner == holder if dead else (
        (StepRun.owner == holder) & (StepRun.heartbeat_at < lapsed_before))
    taken = cast(CursorResult[Any], session.execute(
        update(StepRun).where(StepRun.dataset_id == dataset_id, stale)
        .values(step=step, owner=owner, started_at=now, heartbeat_at=now, items_done=0,
                items_total=None, shards_done=None, shards_total=None)))
    return Claim(taken.rowcount == 1, holder)


def renew_step_run(session: Session, dataset_id: str, owner: str, step: str,
                   started_at: datetime, now: datetime, done: int, total: int | None,
                   shards_done: int | None = None, shards_total: int | None = None) -> bool:
    """The holder's heartbeat and progress; False when the lease is no longer its own."""
    renewed = cast(CursorResult[Any], session.execute(
        update(StepRun).where(StepRun.dataset_id == dataset_id, StepRun.owner == owner)
        .values(step=step, started_at=started_at, heartbeat_at=now, items_done=done,
                items_total=total, shards_done=shards_done, shards_total=shards_total)))
    return renewed.rowcount == 1


def release_step_run(session: Session, dataset_id: str, owner: str) -> None:
    session.execute(delete(StepRun).where(StepRun.dataset_id == dataset_id,
                                          StepRun.owner == owner))


def step_runs_of(session: Session, dataset_ids: Iterable[str]) -> dict[str, StepRun]:
    """The steps running on these datasets, by dataset id."""
    return {run.dataset_id: run for run in session.scalars(
        select(StepRun).where(StepRun.dataset_id.in_(list(dataset_ids))))}
