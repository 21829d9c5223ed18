"""Recomputing the chain and the Merkle tree to prove that no event was edited, removed,
added, moved or cut off.

The hash chain names the first event that does not fit when history was changed in place.
The signed checkpoints catch what the chain alone cannot: a log cut short together with its
head row (truncation below the latest checkpoint), or a rewrite whose author recomputed
every later hash (the Merkle root at the next checkpoint differs; the range between the two
checkpoints is named, the first event of it as the first bad one).

The checkpoints are tamper-evident themselves: each is also an `audit.checkpoint` event in
the chain, and the head names the latest, so deleting a checkpoint's row breaks the chain
or the head; an initialised instance always has one, so none at all is a deletion too. An
attacker able to rewrite the database can still roll it back whole to an earlier state
(deleting every later event and checkpoint consistently); the witness outside the database
catches that."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from airlock_client.bundle_verifier import RootBuilder, leaf_hash
from audit.chain import GENESIS_HASH, canonical_bytes
from audit.checkpoints import signed_by_one_of
from audit.events import CheckpointSigned
from audit.witness import WitnessedCheckpoint
from catalog import AuditCheckpoint, AuditEventRecord, AuditHead


class ChainVerification(BaseModel):
    intact: bool
    events_checked: int
    head_seq: int
    checkpoints_checked: int = 0
    signed_tree_size: int | None = None
    """The latest signed checkpoint's size: history up to here cannot be cut or rewritten
    without the verification failing."""
    witnessed_size: int | None = None
    """The latest checkpoint the witness outside the database holds, when one was read."""
    first_bad_seq: int | None = None
    problem: str | None = None


class _Walk:
    """State of one pass over the events: chain links, tree, checkpoints reached."""

    def __init__(self, checkpoints: list[AuditCheckpoint]) -> None:
        self.expected_seq, self.expected_prev, self.checked = 1, GENESIS_HASH, 0
        self.tree = RootBuilder()
        self.pending = list(checkpoints)
        self.verified_size = 0
        self.verified_root: str | None = None
        self.checkpoints_checked = 0


def verify_chain(session: Session, keys: Mapping[str, Ed25519PublicKey] | None = None,
                 batch_size: int = 1000,
                 witnessed: list[WitnessedCheckpoint] | None = None) -> ChainVerification:
    """Walk the chain in order, feeding the Merkle tree, and stop at the first event (or
    checkpoint) that does not fit. With `keys` (the instance's public keys by key id, the
    retired ones too), every checkpoint's signature is checked with the key it names; with
    `witnessed`, the database must hold every checkpoint the witness holds."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    checkpoints = list(session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size)).scalars())
    walk = _Walk(checkpoints)
    signed = checkpoints[-1].tree_size if checkpoints else None
    witnessed_size = max((w.tree_size for w in witnessed), default=None) if witnessed else None

    def broken(seq: int | None, problem: str) -> ChainVerification:
        return ChainVerification(intact=False, events_checked=walk.checked,
                                 head_seq=head.seq if head else 0,
                                 checkpoints_checked=walk.checkpoints_checked,
                                 signed_tree_size=signed, witnessed_size=witnessed_size,
                                 first_bad_seq=seq, problem=problem)

    if head is None:
        return broken(1, "the chain's head row is missing (deleted)")
    if keys is not None:
        for checkpoint in checkpoints:
            if not signed_by_one_of(checkpoint, keys):
                return broken(checkpoint.tree_size, f"the checkpoint of {checkpoint.tree_size} "
                                                    "events is not signed by this instance "
                                                    "(forged or altered)")
    rows = session.execute(
        select(AuditEventRecord).order_by(AuditEventRecord.seq).execution_options(
            yield_per=batch_size)
    ).scalars()
    for record in rows:
        data = canonical_bytes(record)  # serialised once: for the chain hash and the leaf
        problem = _link_problem(walk, record, data) or _checkpoint_event_problem(walk, record)
        if problem is not None:
            return broken(*problem)
        walk.tree.add(leaf_hash(data))
        walk.expected_prev = record.hash
        walk.expected_seq += 1
        walk.checked += 1
        problem = _checkpoint_problem(walk)
        if problem is not None:
            return broken(*problem)
    last_seq = walk.expected_seq - 1
    if walk.pending:
        size = walk.pending[-1].tree_size
        return broken(last_seq + 1, f"the log ends at event {last_seq} but a signed checkpoint "
                                    f"covers {size} events: events {last_seq + 1} to {size} "
                                    "were cut off (truncated)")
    if head.seq != last_seq or head.hash != walk.expected_prev:
        return broken(last_seq + 1, f"the chain ends at event {last_seq} but its recorded "
                                    f"tip is event {head.seq} (truncated or tip altered)")
    ending = _sequence_problem(head, checkpoints, last_seq) or _witness_problem(
        checkpoints, witnessed or [], keys)
    if ending is not None:
        return broken(*ending)
    return ChainVerification(intact=True, events_checked=walk.checked, head_seq=head.seq,
                             checkpoints_checked=walk.checkpoints_checked,
                             signed_tree_size=signed, witnessed_size=witnessed_size)


def _checkpoint_event_problem(walk: _Walk, record: AuditEventRecord) -> tuple[int, str] | None:
    """An `audit.checkpoint` event follows the tree it records: that checkpoint's row must
    be there, with the same root and signature."""
    if record.action != CheckpointSigned.action:
        return None
    size = record.details.get("tree_size")
    if size != record.seq - 1 or walk.verified_size != size \
            or walk.verified_root != record.details.get("root_hash"):
        return record.seq, (f"event {record.seq} records a signed checkpoint of {size} events "
                            "that the checkpoints table no longer holds (deleted or altered)")
    return None


def _sequence_problem(head: AuditHead, checkpoints: list[AuditCheckpoint],
                      last_seq: int) -> tuple[int | None, str] | None:
    """The head names the latest checkpoint; a log with events has at least one."""
    latest = checkpoints[-1] if checkpoints else None
    if latest is None and last_seq:
        return 1, ("the log has no signed checkpoint, but an initialised instance has one "
                   "from `airlock init` on: the checkpoints were deleted (an instance made "
                   "before checkpoints were mandatory gets its first from `airlock init`)")
    if latest is not None and (head.checkpoint_size, head.checkpoint_root) != (
            latest.tree_size, latest.root_hash):
        return latest.tree_size + 1, (
            f"the chain's head names the checkpoint of {head.checkpoint_size} events but the "
            f"latest one stored covers {latest.tree_size}: a checkpoint was deleted or the "
            "head altered")
    return None


def _witness_problem(checkpoints: list[AuditCheckpoint], witnessed: list[WitnessedCheckpoint],
                     keys: Mapping[str, Ed25519PublicKey] | None
                     ) -> tuple[int | None, str] | None:
    """Every checkpoint the witness holds must still be in the database, with its root
    (those were just recomputed from the events, so the log is consistent with each)."""
    stored = {c.tree_size: c.root_hash for c in checkpoints}
    latest = checkpoints[-1].tree_size if checkpoints else 0
    for seen in witnessed:
        if keys is not None and not seen.signed_by(keys):
            return None, (f"the witness holds a checkpoint of {seen.tree_size} events not "
                          "signed by this instance (the witness file was altered)")
        root = stored.get(seen.tree_size)
        if root == seen.root_hash:
            continue
        if root is not None:
            return seen.tree_size, (f"the checkpoint of {seen.tree_size} events differs from "
                                    "the one the witness holds: the log was rewritten")
        if seen.tree_size > latest:
            return latest + 1, (f"the witness holds a signed checkpoint of {seen.tree_size} "
                                f"events but the database's latest covers {latest}: the log "
                                "was cut or rolled back together with its checkpoints")
        return seen.tree_size, (f"the checkpoint of {seen.tree_size} events that the witness "
                                "holds is missing from the database (deleted)")
    return None


def _link_problem(walk: _Walk, record: AuditEventRecord,
                  data: bytes) -> tuple[int, str] | None:
    expected = walk.expected_seq
    if record.seq != expected:
        missing = record.seq > expected
        return (expected if missing else record.seq,
                f"event {expected} is missing" if missing
                else f"event {record.seq} is out of sequence")
    if record.prev_hash != walk.expected_prev:
        return record.seq, (f"event {record.seq} does not link to event {record.seq - 1} "
                            "(deleted, inserted or reordered)")
    if hashlib.sha256(data).hexdigest() != record.hash:
        return record.seq, (f"event {record.seq} was altered: its content does not match "
                            "its hash")
    return None


def _checkpoint_problem(walk: _Walk) -> tuple[int, str] | None:
    """At a checkpoint's size, the tree recomputed from the events must have its root."""
    if not walk.pending or walk.pending[0].tree_size != walk.tree.size:
        return None
    checkpoint = walk.pending.pop(0)
    if walk.tree.root().hex() != checkpoint.root_hash:
        first = walk.verified_size + 1
        return first, (f"events {first} to {checkpoint.tree_size} do not match the checkpoint "
                       f"signed at {checkpoint.tree_size} events: one of them was rewritten "
                       "(and every later hash recomputed)")
    walk.verified_size, walk.verified_root = checkpoint.tree_size, checkpoint.root_hash
    walk.checkpoints_checked += 1
    return None
