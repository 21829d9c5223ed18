"""Engines and sessions: SQLite (WAL, one writer at a time) or PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("airlock.catalog")
_CHECKPOINT_TRIES = 5


def make_engine(url: str, *, writer: bool = True) -> Engine:
    """On SQLite a writer engine takes the write lock when a transaction begins; a reader
    engine (`writer=False`) reads a WAL snapshot and never blocks writers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if writer else "BEGIN")
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and updated rows are overwritten, not left in free pages (purged reports,
        # file names replaced by their anonymised form).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that reads the audit head
        # and then writes could otherwise fail to upgrade its lock under concurrency.
        connection.exec_driver_sql(begin)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def checkpoint_wal(engine: Engine) -> bool:
    """On SQLite, copy the write-ahead log into the database and truncate it to zero bytes:
    `secure_delete` zeroes deleted rows in the database file but not the WAL frames that
    still hold them. A reader holding an old snapshot makes the checkpoint report busy; it is
    tried a few times, then left to the next one (SQLite also checkpoints on its own).
    True when the log was truncated (always on other databases, which have no such file)."""
    if engine.dialect.name != "sqlite":
        return True
    for attempt in range(_CHECKPOINT_TRIES):
        # Outside any transaction: the engine's "begin" hook would take the write lock first.
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            cursor.close()
        finally:
            connection.close()
        if not busy:
            return True
        time.sleep(0.05 * 2 ** attempt)
    log.warning("the SQLite write-ahead log could not be truncated (readers busy); the next "
                "checkpoint will")
    return False
