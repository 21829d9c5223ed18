"""Signed checkpoints of the audit log's Merkle tree (RFC 6962 hashing, as Certificate
Transparency): tree size, root hash, time, Ed25519 signature.

Each checkpoint stores the frontier of its tree (the roots of its perfect subtrees), so the
next one hashes only the events appended since: a checkpoint costs O(new events), never a
pass over the whole log."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from airlock_client.bundle_verifier import RootBuilder, checkpoint_note, leaf_hash
from audit.actor import SYSTEM
from audit.chain import canonical_bytes, format_time
from audit.events import CheckpointSigned
from audit.transaction import Transaction
from catalog import AuditCheckpoint, AuditEventRecord, AuditHead

_BATCH = 5000
UNWITNESSED = "airlock.unwitnessed_checkpoints"
"""Session info key: checkpoints written in the transaction, for the witness once committed."""


class Signer(Protocol):
    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


class CheckpointView(Protocol):
    """A checkpoint as stored, or as quoted in a certificate."""

    @property
    def tree_size(self) -> int: ...
    @property
    def root_hash(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def key_id(self) -> str: ...
    @property
    def signature(self) -> str: ...


def origin_of(key_id: str) -> str:
    """The log's name in its checkpoints: bound to the instance's signing key."""
    return f"airlock-{key_id}"


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc())
                           .limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class LogState:
    """How far the log is signed: its latest event and latest signed checkpoint."""

    head_seq: int
    checkpoint: AuditCheckpoint | None

    @property
    def events_since(self) -> int:
        """Events after the latest checkpoint's tree (its own `audit.checkpoint` event
        included): protected by the hash chain alone until the next checkpoint."""
        return self.head_seq - (self.checkpoint.tree_size if self.checkpoint else 0)


def log_state(session: Session) -> LogState:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    return LogState(head_seq=head.seq if head else 0, checkpoint=latest_checkpoint(session))


def write_checkpoint(tx: Transaction, signer: Signer, now: datetime) -> AuditCheckpoint:
    """Sign the tree over every event so far and append its `audit.checkpoint` event (inside
    the caller's transaction, with the chain's head locked so no event slips in between).
    The head then names it. Idempotent: nothing new since the latest, the latest is returned.
    """
    session = tx.session
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                           ).scalar_one()
    previous = latest_checkpoint(session)
    if previous is not None and _nothing_since(session, head, previous):
        return previous
    builder = (RootBuilder.from_frontier(previous.tree_size,
                                         [bytes.fromhex(h) for h in previous.frontier])
               if previous is not None else RootBuilder())
    for record in _events_after(session, builder.size, head.seq):
        builder.add(leaf_hash(canonical_bytes(record)))
    root = builder.root().hex()
    note = checkpoint_note(origin_of(signer.key_id), head.seq, root, format_time(now))
    checkpoint = AuditCheckpoint(
        tree_size=head.seq, root_hash=root, at=now, key_id=signer.key_id,
        signature=base64.b64encode(signer.sign(note)).decode(),
        frontier=[h.hex() for h in builder.frontier()])
    session.add(checkpoint)
    tx.log.record(CheckpointSigned(tree_size=checkpoint.tree_size, root_hash=root,
                                   key_id=checkpoint.key_id, signature=checkpoint.signature),
                  SYSTEM)
    head.checkpoint_size, head.checkpoint_root = checkpoint.tree_size, root
    head.checkpoint_at = now
    session.flush()
    session.info.setdefault(UNWITNESSED, []).append(checkpoint)
    return checkpoint


def checkpoint_due(head: AuditHead, every_events: int, every_seconds: float,
                   now: datetime) -> bool:
    """Whether the unsigned tail has passed either bound (or nothing is signed yet). The
    latest checkpoint's own event alone is no tail."""
    if head.checkpoint_size is None or head.checkpoint_at is None:
        return True
    if head.seq <= head.checkpoint_size + 1:
        return False
    return (head.seq - head.checkpoint_size > every_events
            or (now - head.checkpoint_at).total_seconds() >= every_seconds)


def _nothing_since(session: Session, head: AuditHead, previous: AuditCheckpoint) -> bool:
    """Only the latest checkpoint's own event (or, for one made before checkpoints were
    events, nothing at all) follows its tree."""
    if head.seq == previous.tree_size:
        return True
    if head.seq != previous.tree_size + 1:
        return False
    last = session.get(AuditEventRecord, head.seq)
    return last is not None and last.action == CheckpointSigned.action


def checkpoint_signature_valid(checkpoint: CheckpointView, public_key: Ed25519PublicKey
                               ) -> bool:
    note = checkpoint_note(origin_of(checkpoint.key_id), checkpoint.tree_size,
                           checkpoint.root_hash, format_time(checkpoint.at))
    try:
        public_key.verify(base64.b64decode(checkpoint.signature, validate=True), note)
    except (InvalidSignature, ValueError):
        return False
    return True


def signed_by_one_of(checkpoint: CheckpointView, keys: Mapping[str, Ed25519PublicKey]
                     ) -> bool:
    """Signed by the key it names, which must be one of `keys` (by key id): after a signing
    key rotation, the checkpoints before it name the retired key."""
    key = keys.get(checkpoint.key_id)
    return key is not None and checkpoint_signature_valid(checkpoint, key)


def root_at(session: Session, tree_size: int) -> bytes:
    """The Merkle root of the first `tree_size` events as the database holds them now,
    recomputed from the events themselves (streamed)."""
    builder = RootBuilder()
    for record in _events_after(session, 0, tree_size):
        builder.add(leaf_hash(canonical_bytes(record)))
    return builder.root()


def _events_after(session: Session, after: int, until: int) -> Iterator[AuditEventRecord]:
    stmt = (select(AuditEventRecord).where(AuditEventRecord.seq > after,
                                           AuditEventRecord.seq <= until)
            .order_by(AuditEventRecord.seq).execution_options(yield_per=_BATCH))
    return iter(session.execute(stmt).scalars())
