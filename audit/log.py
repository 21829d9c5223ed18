"""Appending to the audit chain, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.actor import Actor
from audit.chain import link_hash
from audit.events import AuditEvent, Outcome
from audit.registry import EventRegistry
from audit.request_ids import current_request_id
from catalog import AuditEventRecord, AuditHead, utcnow


class HeadMissingError(RuntimeError):
    """The chain's head row was deleted; `verify` reports it."""


class AuditLog:
    """Writes events into the session it is given; the caller's commit makes them durable.

    Because the event shares the transaction of the change it records, a rolled-back
    change leaves no event, and an event never exists without its change.
    """

    def __init__(self, session: Session, registry: EventRegistry) -> None:
        self._session = session
        self._registry = registry
        self.head: AuditHead | None = None
        """The chain's head once this log appended an event (locked until the commit)."""

    def record(self, event: AuditEvent, actor: Actor,
               outcome: Outcome | None = None) -> AuditEventRecord:
        if event.action not in self._registry:
            raise ValueError(f"audit action '{event.action}' is not registered")
        head = self._session.execute(
            select(AuditHead).where(AuditHead.id == 1).with_for_update()
        ).scalar_one_or_none()
        if head is None:
            raise HeadMissingError("the audit chain's head row is missing (deleted): nothing "
                                   "can be appended until the log is restored")
        record = AuditEventRecord(
            seq=head.seq + 1,
            at=utcnow(),
            actor=actor.id,
            role=actor.role,
            tenant_id=event.tenant_id() or actor.tenant_id,
            action=event.action,
            dataset_id=event.dataset_id(),
            object_ids=event.object_ids(),
            outcome=(outcome or event.outcome).value,
            details=_details(event, actor),
            prev_hash=head.hash,
        )
        record.hash = link_hash(record)
        self._session.add(record)
        head.seq = record.seq
        head.hash = record.hash
        self.head = head
        self._session.flush()
        return record


def _details(event: AuditEvent, actor: Actor) -> dict[str, Any]:
    details = event.details()
    if actor.on_behalf_of is not None:
        details["on_behalf_of"] = actor.on_behalf_of
    # In the details, which the hash already covers as stored: earlier events, without
    # it, verify as they did.
    if (request_id := current_request_id.get()) is not None:
        details["request_id"] = request_id
    return details
