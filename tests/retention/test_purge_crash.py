"""A sweep killed with SIGKILL at random moments of a purge is finished by the next run:
the dataset ends `purged`, nothing of it is left in the vault, its key is destroyed, the
certificate verifies and the audit chain is intact, however often it was cut short.

`AIRLOCK_CRASH_ROUNDS` sets how many kills (default 12; the closing figures used more)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM, verify_chain
from catalog import DataKeyRecord, Dataset, DatasetState, PurgeRecord, get_dataset
from retention.certificate_check import check_certificate
from retention.sweep import Action, SweepReport
from tests.retention import datasets

ROUNDS = int(os.environ.get("AIRLOCK_CRASH_ROUNDS", "12"))
FAR = datetime(2100, 1, 1, tzinfo=UTC)
SWEEP = ("import sys\n"
         "from airlock.instance import Instance\n"
         "from airlock.retention_jobs import sweeper\n"
         "from airlock.settings import Settings\n"
         "instance = Instance(Settings())\n"
         "sweep = sweeper(instance)\n"
         "instance.signer\n"
         "print('ready', flush=True)\n"
         "sys.stdin.readline()\n"
         "print(sweep.run().model_dump_json(), flush=True)\n")


def _make_due(instance: Instance, dataset_id: str) -> None:
    with instance.transaction(SYSTEM) as tx:
        tx.session.execute(update(Dataset).where(Dataset.id == dataset_id).values(
            purge_due_at=datetime.now(UTC) - timedelta(minutes=1)))


def _start_sweep() -> subprocess.Popen[str]:
    """A sweep in a process of its own, imports done, started."""
    process = subprocess.Popen([sys.executable, "-c", SWEEP], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().strip() == "ready", process.stderr
    process.stdin.write("go\n")
    process.stdin.flush()
    return process


def _sweep_to_the_end() -> float:
    """Seconds from start to the sweep's report (the process's exit not counted)."""
    process = _start_sweep()
    began = time.perf_counter()
    assert process.stdout is not None and process.stdout.readline().startswith("{")
    took = time.perf_counter() - began
    process.communicate(timeout=120)
    assert process.returncode == 0
    return took


def _sweep_killed_after(delay: float, wait_for: Callable[[], bool] | None = None) -> None:
    """Start a sweep and SIGKILL it `delay` seconds later, counted from the start or, with
    `wait_for`, from when that first holds (bounded)."""
    process = _start_sweep()
    deadline = time.monotonic() + 30
    while wait_for is not None and not wait_for() and time.monotonic() < deadline \
            and process.poll() is None:
        time.sleep(0.002)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


def _purge_begun(instance: Instance, dataset_id: str) -> Callable[[], bool]:
    def begun() -> bool:
        with instance.reading() as session:
            return session.get(PurgeRecord, dataset_id) is not None
    return begun


def _next_run(instance: Instance) -> SweepReport:
    """The next sweep, in this process. On PostgreSQL the killed sweep's server session can
    outlive it for a moment and still hold the advisory lock; the next sweep then reports
    another sweep running and does nothing, as it should, so it is tried again shortly."""
    deadline = time.monotonic() + 30
    report = sweeper(instance).run()
    while report.locked_out and time.monotonic() < deadline:
        time.sleep(0.2)
        report = sweeper(instance).run()
    assert not report.locked_out, "the killed sweep's lock was never released"
    return report


def _assert_purged(instance: Instance, dataset_id: str) -> None:
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.PURGED
        key = session.get(DataKeyRecord, dataset_id)
        assert key is not None and key.wrapped is None
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.certificate is not None
        assert check_certificate(session, dataset_id).valid
    assert instance.vault.list_objects(dataset_id) == []


def test_a_purge_killed_anywhere_is_finished_by_the_next_run(
        instance: Instance, record_property: Callable[[str, object], None]) -> None:
    found = datasets.contract(instance)
    ids = [datasets.trained(instance, found, FAR) for _ in range(ROUNDS + 1)]
    _make_due(instance, ids[0])
    whole = _sweep_to_the_end()
    _assert_purged(instance, ids[0])
    rng = random.Random(20261201)
    attempts = []
    for n, dataset_id in enumerate(ids[1:]):
        _make_due(instance, dataset_id)
        # Every other kill comes at any moment of the sweep, the others once its purge has
        # recorded its intent: a loaded machine must not leave the purge itself untested.
        if n % 2:
            _sweep_killed_after(rng.uniform(0.0, whole * 0.2),
                                _purge_begun(instance, dataset_id))
        else:
            _sweep_killed_after(rng.uniform(0.0, whole * 1.1))
        report = _next_run(instance)
        # Killed before it began or after it ended, there is nothing or everything to do.
        assert [(e.dataset_id, e.action) for e in report.entries] in (
            [(dataset_id, Action.PURGED)], [])
        _assert_purged(instance, dataset_id)
        with instance.reading() as session:
            record = session.get(PurgeRecord, dataset_id)
            assert record is not None
            attempts.append(record.attempts)
    with instance.reading() as session:
        assert verify_chain(session).intact
    # Attempts 2+: the kill landed inside a purge; 1: before it began or after it ended.
    record_property("kills", len(attempts))
    record_property("kills_inside_a_purge", sum(a > 1 for a in attempts))
    assert any(a > 1 for a in attempts), "no kill landed inside a purge: widen the window"
