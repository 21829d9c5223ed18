"""The chain proves the trail intact and names the first bad event on any tampering."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from airlock.instance import Instance
from audit import Actor, verify_chain
from audit.events import TenantCreated
from catalog import AuditEventRecord, AuditHead, Tenant

ACTOR = Actor(id="tester", role="admin")


def _append(instance: Instance, count: int) -> None:
    for n in range(count):
        with instance.transaction(ACTOR) as tx:
            tx.record(TenantCreated(tenant=f"t{n}"))


def _verify(instance: Instance):  # type: ignore[no-untyped-def]
    with instance.reading() as session:
        return verify_chain(session)


def test_fresh_chain_is_intact(instance: Instance) -> None:
    _append(instance, 5)
    result = _verify(instance)
    assert result.intact and result.first_bad_seq is None
    assert result.events_checked == result.head_seq == 8  # + init, admin token, checkpoint


def _edit(session: Session) -> None:
    session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4)
                    .values(details={"forged": True}))


def _edit_actor(session: Session) -> None:
    session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4)
                    .values(actor="someone-else"))


def _delete(session: Session) -> None:
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq == 4))


def _insert(session: Session) -> None:
    # Make room at seq 4 and slip in a copy of an event: the links no longer fit.
    rows = session.execute(select(AuditEventRecord).where(AuditEventRecord.seq >= 4)
                           .order_by(AuditEventRecord.seq.desc())).scalars().all()
    for row in rows:
        row.seq += 1
        session.flush()
    forged = AuditEventRecord(**{c: getattr(rows[-1], c) for c in (
        "at", "actor", "role", "tenant_id", "action", "dataset_id", "object_ids", "outcome",
        "details", "prev_hash")}, seq=4, hash="f" * 64)
    session.add(forged)
    session.execute(update(AuditHead).values(seq=AuditHead.seq + 1))


def _reorder(session: Session) -> None:
    session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4).values(seq=-4))
    session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 5).values(seq=4))
    session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == -4).values(seq=5))


def _truncate(session: Session) -> None:
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq >= 6))


@pytest.mark.parametrize(("tamper", "first_bad"), [
    (_edit, 4), (_edit_actor, 4), (_delete, 4), (_insert, 4), (_reorder, 4), (_truncate, 6),
])
def test_tampering_is_detected_at_the_first_bad_event(
    instance: Instance, tamper: Callable[[Session], None], first_bad: int
) -> None:
    _append(instance, 6)
    with instance.sessions() as session, session.begin():
        tamper(session)
    result = _verify(instance)
    assert not result.intact
    assert result.first_bad_seq == first_bad
    assert result.problem


def test_failed_transaction_leaves_neither_change_nor_event(instance: Instance) -> None:
    before = _verify(instance).head_seq
    with pytest.raises(RuntimeError), instance.transaction(ACTOR) as tx:
        tx.session.add(Tenant(name="ghost"))
        tx.record(TenantCreated(tenant="ghost"))
        raise RuntimeError("boom")
    with instance.reading() as session:
        assert session.execute(select(Tenant).where(Tenant.name == "ghost")).first() is None
    result = _verify(instance)
    assert result.intact and result.head_seq == before


def test_concurrent_appends_keep_one_unbroken_chain(instance: Instance) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _append(instance, 10)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = _verify(instance)
    assert result.intact and result.events_checked == 43  # + init, token, checkpoint


def test_chain_hashes_do_not_depend_on_the_database_session(instance: Instance) -> None:
    _append(instance, 2)
    with instance.reading() as session:
        stored = session.execute(text("SELECT hash FROM audit_events ORDER BY seq")).scalars()
        assert len(set(stored)) == 5
