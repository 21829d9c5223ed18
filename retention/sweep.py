"""The retention sweep: purge every dataset that is due, skip the held, say what was done.

Idempotent: a second run finds nothing due (or finishes what a crash cut short). Only one
sweep runs at a time (retention.lock); another sweep finds the lock taken and does
nothing. A sweep that purged ends with a truncating checkpoint of SQLite's write-ahead log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from audit import Transactions
from audit.checkpoints import write_checkpoint
from catalog import DatasetState, LegalHoldError, checkpoint_wal
from retention.due import Cause, DueDataset, DueRules, find_due
from retention.events import SweepRan
from retention.lock import sweep_lock
from retention.purge import PurgeError, Purger


class Action(StrEnum):
    PURGED = "purged"
    WOULD_PURGE = "would purge"
    HELD = "held"
    FAILED = "failed"


class SweepEntry(BaseModel):
    dataset_id: str
    tenant_id: str
    state: DatasetState
    cause: Cause
    due_at: datetime
    action: Action
    certificate_id: str | None = None
    error: str | None = None


class SweepReport(BaseModel):
    ran_at: datetime
    dry_run: bool
    locked_out: bool = False
    """Another sweep held the lock: this one did nothing."""
    entries: list[SweepEntry] = []

    def count(self, action: Action) -> int:
        return sum(entry.action is action for entry in self.entries)


@dataclass(frozen=True)
class Sweeper:
    engine: Engine
    reading: Callable[[], Session]
    transactions: Transactions
    purger: Purger
    rules: DueRules

    def run(self, *, dry_run: bool = False,
            on_progress: Callable[[int, int], None] | None = None) -> SweepReport:
        """`on_progress` is called with (datasets handled, datasets due) once the due are
        found and after each."""
        clock = self.purger.clock
        report = SweepReport(ran_at=clock(), dry_run=dry_run)
        with sweep_lock(self.engine, clock) as renew:
            if renew is None:
                return report.model_copy(update={"locked_out": True})
            with self.reading() as session:
                due = find_due(session, report.ran_at, self.rules)
            for candidate in due:
                if on_progress is not None:
                    on_progress(len(report.entries), len(due))
                report.entries.append(self._handle(candidate, dry_run))
                renew()
            if on_progress is not None:
                on_progress(len(report.entries), len(due))
            if not dry_run:
                self._record(report)
        if report.count(Action.PURGED):
            # secure_delete zeroed the purged rows in the database file, but the SQLite
            # write-ahead log still holds them until it is checkpointed and truncated.
            checkpoint_wal(self.engine)
        return report

    def _handle(self, candidate: DueDataset, dry_run: bool) -> SweepEntry:
        entry = SweepEntry(dataset_id=candidate.dataset_id, tenant_id=candidate.tenant_id,
                           state=candidate.state, cause=candidate.cause,
                           due_at=candidate.due_at, action=Action.WOULD_PURGE)
        if candidate.held:
            return entry.model_copy(update={"action": Action.HELD})
        if dry_run:
            return entry
        try:
            certificate = self.purger.purge(candidate.dataset_id, candidate.cause,
                                            candidate.due_at)
        except (PurgeError, LegalHoldError) as exc:
            return entry.model_copy(update={"action": Action.FAILED, "error": str(exc)})
        return entry.model_copy(update={"action": Action.PURGED,
                                        "certificate_id": certificate.certificate_id})

    def _record(self, report: SweepReport) -> None:
        """The sweep's summary, and a checkpoint of the log (the periodic one)."""
        with self.transactions() as tx:
            tx.record(SweepRan(due=len(report.entries), purged=report.count(Action.PURGED),
                               failed=report.count(Action.FAILED),
                               held=report.count(Action.HELD)))
            write_checkpoint(tx, self.purger.signer, self.purger.clock())
