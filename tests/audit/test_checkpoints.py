"""The audit log on a real instance with signed checkpoints: tampering of each kind at
random positions is detected every time and the first bad event named, including the two
that defeat a hash chain alone (a log cut short together with its tip, and a rewrite with
every later hash recomputed). Export writes a bundle the offline verifier accepts."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from airlock_client import bundle_verifier
from airlock_client.bundle_verifier import verify_bundle
from audit import Actor, verify_chain
from audit.chain import link_hash
from audit.checkpoints import write_checkpoint
from audit.events import TenantCreated
from catalog import AuditCheckpoint, AuditEventRecord, AuditHead
from retention.signing import signing_keys

ACTOR = Actor(id="tester", role="admin")
EVENTS, CHECKPOINTS = 60, (20, 40)
ROUNDS = 12
VERIFIER = Path(bundle_verifier.__file__)
Tamper = Callable[[Session, int], None]


def _log(instance: Instance) -> None:
    """About EVENTS events, a checkpoint at each size of CHECKPOINTS and one at the end."""
    signer = instance.signer
    with instance.reading() as session:
        head = session.execute(select(AuditHead.seq)).scalar_one()
    for n in range(head, EVENTS):
        with instance.transaction(ACTOR) as tx:
            tx.record(TenantCreated(tenant=f"t{n}"))
            if tx.session.execute(select(AuditHead.seq)).scalar_one() in CHECKPOINTS:
                write_checkpoint(tx, signer, datetime.now(UTC))
    with instance.transaction(ACTOR) as tx:
        write_checkpoint(tx, signer, datetime.now(UTC))


def _row(session: Session, seq: int) -> AuditEventRecord:
    return session.execute(select(AuditEventRecord).where(AuditEventRecord.seq == seq)
                           ).scalar_one()


def _edit(session: Session, k: int) -> None:
    _row(session, k).details = {"forged": True}


def _delete(session: Session, k: int) -> None:
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq == k))


def _insert(session: Session, k: int) -> None:
    rows = session.execute(select(AuditEventRecord).where(AuditEventRecord.seq >= k)
                           .order_by(AuditEventRecord.seq.desc())).scalars().all()
    for row in rows:
        row.seq += 1
        session.flush()
    copy = {c: getattr(rows[-1], c) for c in ("at", "actor", "role", "tenant_id", "action",
                                              "dataset_id", "object_ids", "outcome",
                                              "details", "prev_hash")}
    session.add(AuditEventRecord(**copy, seq=k, hash="f" * 64))
    session.execute(update(AuditHead).values(seq=AuditHead.seq + 1))


def _reorder(session: Session, k: int) -> None:
    for old, new in ((k, -k), (k + 1, k), (-k, k + 1)):
        session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == old)
                        .values(seq=new))


def _truncate_with_tip(session: Session, k: int) -> None:
    """Cut the log at k and move the tip back too: the chain alone sees nothing."""
    session.execute(delete(AuditEventRecord).where(AuditEventRecord.seq >= k))
    last = _row(session, k - 1)
    session.execute(update(AuditHead).values(seq=last.seq, hash=last.hash))


def _rewrite_and_rehash(session: Session, k: int) -> None:
    """Edit event k and recompute every later link: the chain alone sees nothing."""
    rows = session.execute(select(AuditEventRecord).where(AuditEventRecord.seq >= k)
                           .order_by(AuditEventRecord.seq)).scalars().all()
    rows[0].details = {"forged": True}
    previous = _row(session, k - 1).hash
    for row in rows:
        row.prev_hash = previous
        row.hash = previous = link_hash(row)
        session.flush()
    session.execute(update(AuditHead).values(hash=previous))


def _expected_first_bad(session: Session, tamper: Tamper, k: int) -> int:
    """A rewrite is pinned down to the range since the checkpoint before it, unless the
    rewritten event is a checkpoint's own event (its record no longer matches)."""
    if tamper is not _rewrite_and_rehash or _row(session, k).action == "audit.checkpoint":
        return k
    sizes = session.execute(select(AuditCheckpoint.tree_size)).scalars()
    return max((c for c in (0, *sizes) if c < k), default=0) + 1


@pytest.mark.parametrize("tamper", [_edit, _delete, _insert, _reorder, _truncate_with_tip,
                                    _rewrite_and_rehash])
def test_every_tampering_is_detected_at_random_positions(instance: Instance,
                                                        tamper: Tamper) -> None:
    _log(instance)
    rng = random.Random(zlib.crc32(tamper.__name__.encode()))
    with instance.reading() as session:
        keys = signing_keys(session)
        assert verify_chain(session, keys).intact
    for _ in range(ROUNDS):
        k = rng.randint(2, EVENTS - 1)
        with instance.sessions() as session, session.begin():
            expected = _expected_first_bad(session, tamper, k)
            tamper(session, k)
            session.flush()
            result = verify_chain(session, keys)
            session.rollback()
        assert not result.intact, (tamper.__name__, k)
        assert result.first_bad_seq == expected, (tamper.__name__, k, result.problem)
        assert result.problem


def test_a_forged_checkpoint_is_refused(instance: Instance) -> None:
    _log(instance)
    with instance.sessions() as session, session.begin():
        session.execute(update(AuditCheckpoint).where(AuditCheckpoint.tree_size == 20)
                        .values(root_hash="0" * 64))
        result = verify_chain(session, signing_keys(session))
        session.rollback()
    assert not result.intact and result.first_bad_seq == 20
    assert "not signed by this instance" in (result.problem or "")


def test_export_is_accepted_by_the_offline_verifier(instance: Instance,
                                                    tmp_path: Path) -> None:
    _log(instance)
    runner = CliRunner()
    whole = runner.invoke(app, ["audit", "export", str(tmp_path / "all"), "--json"])
    assert whole.exit_code == 0, whole.output
    assert json.loads(whole.stdout)["complete"]
    result = verify_bundle(tmp_path / "all")
    assert result.intact and result.events_checked >= EVENTS
    done = subprocess.run([sys.executable, "-I", str(VERIFIER), str(tmp_path / "all"),
                           "--json"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["intact"]
    since = runner.invoke(app, ["audit", "export", str(tmp_path / "part"),
                                "--since", "2000-01-01T00:00:00"])
    assert since.exit_code == 0, since.output
    assert "inclusion proofs" in since.stdout
    assert verify_bundle(tmp_path / "part").intact
    taken = runner.invoke(app, ["audit", "export", str(tmp_path / "all")])
    assert taken.exit_code == 1 and "is not an empty folder" in taken.stderr


def test_verify_command_reports_checkpoints(instance: Instance) -> None:
    _log(instance)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "4 signed checkpoints match" in result.stdout  # init's, 20, 40, the end
