"""An instance's whole state (its home folder and its database) saved once and put back for
each test: a fixture that takes seconds to build is then built once per module and database,
and every test still starts from that same state, untouched by the tests before it."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from airlock.backup import sqlite_path
from airlock.settings import Settings
from catalog import Base, make_engine


@dataclass
class InstanceSnapshot:
    folder: Path
    tables: dict[str, bytes] = field(default_factory=dict)
    """PostgreSQL: each table's rows, in COPY's binary format."""
    sequences: dict[str, int | None] = field(default_factory=dict)
    """PostgreSQL: each serial column's sequence, its last value (None: never called)."""

    @property
    def home(self) -> Path:
        return self.folder / "home"

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "airlock.db"


def _serial_sequences(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        names = [connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": table.name, "c": table.autoincrement_column.name}
                                    ).scalar_one()
                 for table in Base.metadata.sorted_tables
                 if table.autoincrement_column is not None]
    return [name for name in names if name is not None]


def save_instance(settings: Settings, folder: Path) -> InstanceSnapshot:
    """The state of the instance `settings` configure; no engine of it may be writing."""
    snapshot = InstanceSnapshot(folder)
    shutil.copytree(settings.home, snapshot.home, symlinks=True)
    url = settings.resolved_database_url
    if (path := sqlite_path(settings)) is not None:
        # The backup API copies what the write-ahead log holds too.
        with sqlite3.connect(path) as source, sqlite3.connect(snapshot.sqlite_file) as copy:
            source.backup(copy)
        return snapshot
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            for table in Base.metadata.sorted_tables:
                with cursor.copy(f'COPY "{table.name}" TO STDOUT (FORMAT BINARY)') as copy:
                    snapshot.tables[table.name] = b"".join(bytes(block) for block in copy)
            for name in _serial_sequences(engine):
                snapshot.sequences[name] = connection.execute(
                    text("SELECT pg_sequence_last_value(CAST(:s AS regclass))"), {"s": name}
                ).scalar_one()
    finally:
        engine.dispose()
    return snapshot


def restore_instance(snapshot: InstanceSnapshot, settings: Settings) -> None:
    """Put the saved state back in place of whatever `settings`' home and database hold."""
    shutil.rmtree(settings.home, ignore_errors=True)
    shutil.copytree(snapshot.home, settings.home, symlinks=True)
    url = settings.resolved_database_url
    if (path := sqlite_path(settings)) is not None:
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(snapshot.sqlite_file, path)
        return
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
            cursor = connection.connection.cursor()
            for table in Base.metadata.sorted_tables:
                with cursor.copy(f'COPY "{table.name}" FROM STDIN (FORMAT BINARY)') as copy:
                    copy.write(snapshot.tables[table.name])
            for name, last in snapshot.sequences.items():
                connection.execute(text("SELECT setval(:s, :v, :called)"),
                                   {"s": name, "v": last or 1, "called": last is not None})
    finally:
        engine.dispose()
