"""A unit of work as domain services see it: one session, its audit log, and who acts."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from audit.actor import Actor
from audit.events import AuditEvent, Outcome
from audit.log import AuditLog
from catalog import AuditEventRecord


@dataclass(frozen=True)
class Transaction:
    session: Session
    log: AuditLog
    actor: Actor

    def record(self, event: AuditEvent, outcome: Outcome | None = None) -> AuditEventRecord:
        return self.log.record(event, self.actor, outcome)


Transactions = Callable[[], AbstractContextManager[Transaction]]
"""A factory of units of work, for services that need several short transactions."""
