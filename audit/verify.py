"""Recomputing the chain to prove that no event was edited, removed, added or moved."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.chain import GENESIS_HASH, link_hash
from catalog.models import AuditEventRecord, AuditHead


class ChainVerification(BaseModel):
    intact: bool
    events_checked: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(session: Session, batch_size: int = 1000) -> ChainVerification:
    """Walk the chain in order; stop at the first event that does not fit."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0

    def broken(seq: int, problem: str) -> ChainVerification:
        return ChainVerification(intact=False, events_checked=checked, head_seq=head.seq,
                                 first_bad_seq=seq, problem=problem)

    rows = session.execute(
        select(AuditEventRecord).order_by(AuditEventRecord.seq).execution_options(
            yield_per=batch_size)
    ).scalars()
    for record in rows:
        if record.seq != expected_seq:
            missing = record.seq > expected_seq
            return broken(expected_seq if missing else record.seq,
                          f"event {expected_seq} is missing" if missing
                          else f"event {record.seq} is out of sequence")
        if record.prev_hash != expected_prev:
            return broken(record.seq, f"event {record.seq} does not link to event "
                                      f"{record.seq - 1} (deleted, inserted or reordered)")
        if link_hash(record) != record.hash:
            return broken(record.seq, f"event {record.seq} was altered: its content does "
                                      "not match its hash")
        expected_prev = record.hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    if head.seq != last_seq or head.hash != expected_prev:
        return broken(last_seq + 1, f"the chain ends at event {last_seq} but its recorded "
                                    f"tip is event {head.seq} (truncated or tip altered)")
    return ChainVerification(intact=True, events_checked=checked, head_seq=head.seq)
