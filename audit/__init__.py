"""Tamper-evident audit trail: typed events, a hash chain, verification and queries."""

from audit.actor import SYSTEM, Actor
from audit.chain import GENESIS_HASH
from audit.events import (
    FOUNDATION_EVENTS,
    AuditEvent,
    Count,
    Id,
    Name,
    Outcome,
    Sha256,
    StepInterrupted,
)
from audit.log import AuditLog
from audit.query import EventFilter, EventView, find_events
from audit.registry import EventRegistry
from audit.request_ids import current_request_id, valid_request_id
from audit.transaction import Transaction, Transactions
from audit.transitions import change_state
from audit.verify import ChainVerification, verify_chain

__all__ = [
    "FOUNDATION_EVENTS",
    "GENESIS_HASH",
    "SYSTEM",
    "Actor",
    "AuditEvent",
    "AuditLog",
    "ChainVerification",
    "Count",
    "EventFilter",
    "EventRegistry",
    "EventView",
    "Id",
    "Name",
    "Outcome",
    "Sha256",
    "StepInterrupted",
    "Transaction",
    "Transactions",
    "change_state",
    "current_request_id",
    "find_events",
    "valid_request_id",
    "verify_chain",
]
