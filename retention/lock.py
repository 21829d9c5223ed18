"""One sweep at a time, even with several workers on one database.

PostgreSQL: a session-level advisory lock, held by a connection of its own for the whole
sweep and released by the server if the process dies. SQLite: a lease row naming its holder
(host, process and its start time) and an expiry, renewed after every purge; a lease that
ran out, or whose holder died on this host, is taken over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, or_, text, update
from sqlalchemy.orm import Session

from catalog import SweepLease
from catalog.process_owner import owner_is_dead, process_owner

ADVISORY_KEY = 0x41524C4B53574550  # "ARLKSWEP"
LEASE = timedelta(minutes=10)

Renew = Callable[[], None]
"""Extends the hold; called between purges."""


@contextmanager
def sweep_lock(engine: Engine, clock: Callable[[], datetime]) -> Iterator[Renew | None]:
    """Yields a renewal function while this process holds the lock, None when another
    sweep holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine) as held:
            yield (lambda: None) if held else None
        return
    holder = process_owner()
    if not _take_lease(engine, holder, clock()):
        yield None
        return
    try:
        yield lambda: _extend_lease(engine, holder, clock())
    finally:
        _release_lease(engine, holder)


@contextmanager
def _advisory(engine: Engine) -> Iterator[bool]:
    with engine.connect() as connection:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                       {"key": ADVISORY_KEY}).scalar_one())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": ADVISORY_KEY})
                connection.commit()


def _take_lease(engine: Engine, holder: str, now: datetime) -> bool:
    with Session(engine) as session, session.begin():
        lease = session.get(SweepLease, 1)
        current = lease.holder if lease is not None else None
        free = [SweepLease.holder.is_(None), SweepLease.expires_at < now]
        if current is not None and owner_is_dead(current):
            free.append(SweepLease.holder == current)
        taken = cast(CursorResult[Any], session.execute(
            update(SweepLease).where(SweepLease.id == 1, or_(*free))
            .values(holder=holder, expires_at=now + LEASE)))
        return taken.rowcount == 1


def _extend_lease(engine: Engine, holder: str, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(SweepLease).where(SweepLease.id == 1,
                                                 SweepLease.holder == holder)
                        .values(expires_at=now + LEASE))


def _release_lease(engine: Engine, holder: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(SweepLease).where(SweepLease.id == 1,
                                                 SweepLease.holder == holder)
                        .values(holder=None, expires_at=None))
