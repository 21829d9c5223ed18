"""Readiness: the database, the vault and the work queue, each reported on its own.

Every probe reads (a reader session on SQLite), so none waits on a writer.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import func, select, text

from airlock.instance import Instance
from catalog import Dataset, DatasetState, utcnow
from vault import VaultError

WAITING_VALIDATION = (DatasetState.RECEIVED, DatasetState.VALIDATING)
WAITING_ANONYMISATION = (DatasetState.VALIDATED, DatasetState.ANONYMISING)


class PartStatus(BaseModel):
    ok: bool
    detail: str = Field(description="What was checked, or why it failed (no paths).")


class QueueStatus(BaseModel):
    ok: bool
    waiting_validation: int = Field(description="Uploads received, not yet validated.")
    waiting_anonymisation: int = Field(description="Datasets validated, not yet anonymised.")
    oldest_waiting_seconds: float | None = Field(
        description="How long the longest-waiting of those has been in its state.")


class Readiness(BaseModel):
    ready: bool = Field(description="False when the database or the vault is down.")
    database: PartStatus
    vault: PartStatus
    queue: QueueStatus


def readiness(instance: Instance) -> Readiness:
    database = _database(instance)
    vault = _vault(instance)
    return Readiness(ready=database.ok and vault.ok, database=database, vault=vault,
                     queue=_queue(instance) if database.ok else QueueStatus(
                         ok=False, waiting_validation=0, waiting_anonymisation=0,
                         oldest_waiting_seconds=None))


def _database(instance: Instance) -> PartStatus:
    try:
        with instance.reading() as session:
            session.execute(text("SELECT 1"))
    except Exception:
        return PartStatus(ok=False, detail="the database is unreachable")
    return PartStatus(ok=True, detail=instance.read_engine.dialect.name)


def _vault(instance: Instance) -> PartStatus:
    try:
        instance.vault.check()
    except Exception as exc:  # a missing master key, an unwritable folder, an absent bucket
        return PartStatus(ok=False, detail=_reason(exc))
    return PartStatus(ok=True, detail=f"{instance.vault.backend_name}: writable")


def _reason(exc: Exception) -> str:
    """Why, without the paths and names error messages may carry."""
    if isinstance(exc, VaultError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"the vault cannot be used: {exc.strerror or type(exc).__name__}"
    return "the vault's master key is unavailable"


def _queue(instance: Instance) -> QueueStatus:
    waiting = (*WAITING_VALIDATION, *WAITING_ANONYMISATION)
    with instance.reading() as session:
        counts = {state: count for state, count in session.execute(
            select(Dataset.state, func.count()).where(Dataset.state.in_(waiting))
            .group_by(Dataset.state))}
        oldest = session.scalar(select(func.min(Dataset.state_changed_at))
                                .where(Dataset.state.in_(waiting)))
    return QueueStatus(
        ok=True,
        waiting_validation=sum(counts.get(s, 0) for s in WAITING_VALIDATION),
        waiting_anonymisation=sum(counts.get(s, 0) for s in WAITING_ANONYMISATION),
        oldest_waiting_seconds=None if oldest is None
        else round((utcnow() - oldest).total_seconds(), 1))
