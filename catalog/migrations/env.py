"""Alembic environment: the engine comes from the caller (`catalog.migrate`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from catalog import models, retention_records  # noqa: F401  (registers the tables)
from catalog.base import Base

engine: Engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
