"""The hash chain: canonical serialisation of an event and the hash linking it to the last."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from catalog import AuditEventRecord

GENESIS_HASH = "0" * 64


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(record: AuditEventRecord) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same bytes on every database and machine."""
    return json.dumps(canonical_body(record), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode()


def canonical_body(record: AuditEventRecord) -> dict[str, Any]:
    """What the hash covers: every field but the hash itself."""
    return {
        "seq": record.seq,
        "at": format_time(record.at),
        "actor": record.actor,
        "role": record.role,
        "tenant_id": record.tenant_id,
        "action": record.action,
        "dataset_id": record.dataset_id,
        "object_ids": record.object_ids,
        "outcome": record.outcome,
        "details": record.details,
        "prev_hash": record.prev_hash,
    }


def link_hash(record: AuditEventRecord) -> str:
    return hashlib.sha256(canonical_bytes(record)).hexdigest()
