"""Run the Alembic migrations that ship inside the package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from catalog.db import checkpoint_wal

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class Sealer(Protocol):
    """Seals a dataset's catalog values (`vault.fields.FieldCipher`)."""

    def seal(self, column: str, value: str) -> bytes: ...

    def seal_json(self, column: str, value: Any) -> bytes: ...


SealerFor = Callable[[str, bytes], Sealer]
"""(dataset id, wrapped data key) -> its sealer: the vault, passed in by the application,
for migrations that seal values kept in the clear by older versions."""


def alembic_config(engine: Engine, sealer_for: SealerFor | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    config.attributes["sealer_for"] = sealer_for
    return config


def upgrade(engine: Engine, revision: str = "head", sealer_for: SealerFor | None = None) -> None:
    """Without `sealer_for`, a migration that must seal existing rows refuses to run."""
    command.upgrade(alembic_config(engine, sealer_for), revision)
    checkpoint_wal(engine)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision shipped with this code."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
