"""Attacks on the checkpoints themselves (issue 13): deleting their rows, the head, or the
whole log with its checkpoints. Each is committed to the database, then `airlock audit
verify` must fail and `airlock audit export` refuse to sign the tampered log."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from airlock_client import bundle_verifier
from audit import GENESIS_HASH, Actor, verify_chain
from audit.chain import link_hash
from audit.events import TenantCreated
from catalog import AuditCheckpoint, AuditEventRecord, AuditHead

ACTOR = Actor(id="tester", role="admin")
VERIFIER = Path(bundle_verifier.__file__)
runner = CliRunner()
Tamper = Callable[[Session], None]


def _log(instance: Instance, events: int = 30, every: int = 10) -> None:
    """`events` events with a checkpoint (and its event) after every `every`."""
    for n in range(events):
        with instance.transaction(ACTOR) as tx:
            tx.record(TenantCreated(tenant=f"t{n}"))
            if n % every == every - 1:
                instance.checkpoint(tx)


def _rows(session: Session, first: int) -> list[AuditEventRecord]:
    return list(session.execute(select(AuditEventRecord).where(AuditEventRecord.seq >= first)
                                .order_by(AuditEventRecord.seq)).scalars())


def _rehash_from(session: Session, first: int) -> None:
    """Recompute every link from `first` on and move the tip: the chain alone is fooled."""
    previous = GENESIS_HASH if first == 1 else _rows(session, first - 1)[0].hash
    for row in _rows(session, first):
        row.prev_hash = previous
        row.hash = previous = link_hash(row)
        session.flush()
    last = _rows(session, 1)[-1]
    session.execute(update(AuditHead).values(seq=last.seq, hash=last.hash))


def _renumber(session: Session) -> None:
    for seq, row in enumerate(_rows(session, 1), start=1):
        if row.seq != seq:
            row.seq = seq
            session.flush()


def _delete_checkpoints_edit_and_rehash(session: Session) -> None:
    """The attack of the issue: every checkpoint row gone, an event edited, chain redone."""
    session.execute(delete(AuditCheckpoint))
    _rows(session, 5)[0].details = {"forged": True}
    _rehash_from(session, 5)


def _also_remove_checkpoint_events(session: Session) -> None:
    """... and the checkpoint events too, and the head's record of the latest checkpoint."""
    session.execute(delete(AuditCheckpoint))
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.action == "audit.checkpoint"))
    _renumber(session)
    _rows(session, 5)[0].details = {"forged": True}
    _rehash_from(session, 1)
    session.execute(update(AuditHead).values(checkpoint_size=None, checkpoint_root=None,
                                             checkpoint_at=None))


def _latest(session: Session) -> AuditCheckpoint:
    return session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc())
                           .limit(1)).scalar_one()


def _delete_last_checkpoint_and_truncate(session: Session) -> None:
    """Delete the latest checkpoint, cut the log below it and move the tip back."""
    cut = _latest(session).tree_size - 3
    session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.tree_size > cut))
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq > cut))
    last = _rows(session, cut)[0]
    session.execute(update(AuditHead).values(seq=last.seq, hash=last.hash))


def _delete_the_head(session: Session) -> None:
    session.execute(delete(AuditHead))


def _edit_the_head(session: Session) -> None:
    session.execute(update(AuditHead).values(checkpoint_size=AuditHead.checkpoint_size - 1))


@pytest.mark.parametrize("tamper", [_delete_checkpoints_edit_and_rehash,
                                    _also_remove_checkpoint_events,
                                    _delete_last_checkpoint_and_truncate,
                                    _delete_the_head, _edit_the_head])
def test_tampering_with_checkpoints_is_refused(instance: Instance, tmp_path: Path,
                                              tamper: Tamper) -> None:
    _log(instance)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    with instance.sessions() as session, session.begin():
        tamper(session)
    verified = runner.invoke(app, ["audit", "verify", "--json"])
    assert verified.exit_code == 1, verified.output
    result = json.loads(verified.stdout)
    assert not result["intact"] and result["problem"]
    if tamper is _delete_the_head:
        return  # nothing can be appended any more, not even the export's checkpoint
    exported = runner.invoke(app, ["audit", "export", str(tmp_path / "bundle")])
    assert exported.exit_code == 1 and "does not verify" in exported.stderr
    assert not (tmp_path / "bundle").exists()


def _roll_back_to(session: Session, size: int) -> None:
    """Restore the database as it was at the checkpoint of `size` events, consistently:
    later events and checkpoints deleted, the head naming that checkpoint. Only a record
    outside the database can tell."""
    kept = session.execute(select(AuditCheckpoint).where(AuditCheckpoint.tree_size == size)
                           ).scalar_one()
    session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.tree_size > size))
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq > size + 1))
    last = _rows(session, size + 1)[0]
    session.execute(update(AuditHead).values(seq=last.seq, hash=last.hash,
                                             checkpoint_size=size, checkpoint_root=kept.root_hash,
                                             checkpoint_at=kept.at))


def _wipe(session: Session) -> None:
    """Delete the log and its checkpoints together and reset the head to an empty chain."""
    session.execute(delete(AuditEventRecord))
    session.execute(delete(AuditCheckpoint))
    session.execute(update(AuditHead).values(seq=0, hash=GENESIS_HASH, checkpoint_size=None,
                                             checkpoint_root=None, checkpoint_at=None))


@pytest.mark.parametrize("attack", ["rollback", "wipe"])
def test_the_witness_detects_what_the_database_alone_cannot(instance: Instance,
                                                           attack: str) -> None:
    _log(instance)
    with instance.sessions() as session, session.begin():
        if attack == "wipe":
            _wipe(session)
        else:
            _roll_back_to(session, 10 + 1 + 2)  # init's 3 events, 10, this checkpoint...
    witness = instance.settings.resolved_witness_file
    moved = witness.with_suffix(".away")
    witness.rename(moved)  # without its witness the database looks consistent
    with instance.reading() as session:
        assert verify_chain(session).intact
    moved.rename(witness)
    verified = runner.invoke(app, ["audit", "verify", "--json"])
    assert verified.exit_code == 1, verified.output
    problem = json.loads(verified.stdout)["problem"]
    assert "witness holds a signed checkpoint" in problem and "rolled back" in problem


def test_a_deleted_witness_fails_verification(instance: Instance) -> None:
    _log(instance, events=5)
    instance.settings.resolved_witness_file.unlink()
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 1 and "witness file" in verified.stderr


def test_every_committed_checkpoint_is_witnessed(instance: Instance) -> None:
    _log(instance)
    lines = instance.settings.resolved_witness_file.read_text().splitlines()
    with instance.reading() as session:
        stored = [(c.tree_size, c.root_hash, c.signature) for c in session.execute(
            select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size)).scalars()]
    assert [(w["tree_size"], w["root_hash"], w["signature"]) for w in map(json.loads, lines)
            ] == stored
    assert stored[0][0] == 2  # `airlock init` signs its first events at once


def test_each_export_proves_it_extends_the_previous_one(instance: Instance,
                                                       tmp_path: Path) -> None:
    _log(instance, events=12)
    first = runner.invoke(app, ["audit", "export", str(tmp_path / "first"), "--json"])
    assert first.exit_code == 0, first.output
    _log(instance, events=15)
    second = runner.invoke(app, ["audit", "export", str(tmp_path / "second"), "--json"])
    assert second.exit_code == 0, second.output
    earlier = json.loads((tmp_path / "first" / "checkpoints.jsonl").read_text()
                         .splitlines()[-1])
    manifest = json.loads((tmp_path / "second" / "manifest.json").read_text())
    assert manifest["previous"] == {"tree_size": earlier["tree_size"],
                                    "root_hash": earlier["root_hash"]}
    assert json.loads(second.stdout)["previous_tree_size"] == earlier["tree_size"]
    done = subprocess.run([sys.executable, "-I", str(VERIFIER), str(tmp_path / "second"),
                           "--previous", str(tmp_path / "first"), "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["previous_tree_size"] == earlier["tree_size"]


def test_the_unsigned_tail_is_bounded_by_the_settings(instance: Instance) -> None:
    bounded = Instance(instance.settings.model_copy(update={"checkpoint_every_events": 5}))
    try:
        for n in range(40):
            with bounded.transaction(ACTOR) as tx:
                tx.record(TenantCreated(tenant=f"b{n}"))
        with bounded.reading() as session:
            sizes = list(session.execute(select(AuditCheckpoint.tree_size)
                                         .order_by(AuditCheckpoint.tree_size)).scalars())
            head = session.execute(select(AuditHead)).scalar_one()
        assert all(b - a <= 6 for a, b in pairwise(sizes))  # 5 + its event
        assert head.seq - sizes[-1] <= 6 and len(sizes) >= 7
        assert bounded.verify_audit().intact
    finally:
        bounded.dispose()
    timed = Instance(instance.settings.model_copy(update={"checkpoint_every_seconds": 1}))
    try:
        with timed.reading() as session:
            before = session.execute(select(AuditHead.checkpoint_size)).scalar_one()
        with timed.sessions() as session, session.begin():  # the latest is a minute old
            head = session.execute(select(AuditHead)).scalar_one()
            assert head.checkpoint_at is not None
            head.checkpoint_at -= timedelta(minutes=1)
        with timed.transaction(ACTOR) as tx:
            tx.record(TenantCreated(tenant="late"))
        with timed.reading() as session:
            after = session.execute(select(AuditHead.checkpoint_size)).scalar_one()
        assert before is not None and after is not None and after > before
    finally:
        timed.dispose()


def test_a_witness_that_cannot_be_written_does_not_undo_the_change(
        instance: Instance, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")
    failing = Instance(instance.settings.model_copy(
        update={"witness_file": blocked / "checkpoints.log"}))
    try:
        with failing.transaction(ACTOR) as tx:
            tx.record(TenantCreated(tenant="kept"))
            signed = failing.checkpoint(tx)
        with failing.reading() as session:
            assert session.get(AuditCheckpoint, signed.tree_size) is not None
    finally:
        failing.dispose()
    assert "cannot append" in caplog.text and "kept" not in caplog.text


def test_init_again_gives_an_older_instance_its_witness(instance: Instance) -> None:
    """An instance made before the witness existed: `airlock init` seeds it."""
    _log(instance, events=12)
    instance.settings.resolved_witness_file.unlink()
    assert not instance.verify_audit().intact
    assert runner.invoke(app, ["init"]).exit_code == 0
    with instance.reading() as session:
        latest = session.execute(select(func.max(AuditCheckpoint.tree_size))).scalar_one()
    assert instance.verify_audit().witnessed_size == latest
    assert instance.verify_audit().intact
