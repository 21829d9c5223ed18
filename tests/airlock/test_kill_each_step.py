"""The final kill test: `kill -9` at each step boundary (an upload in flight, a validation,
an anonymisation, a purge), then a restart (`airlock worker --once`). Each dataset reaches a
final state; a purged one has its purge record and a certificate that verifies; nothing of
a purged dataset is left under the home folder (temporary files included); the audit log
verifies."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from catalog import Dataset, DatasetState, PurgeRecord
from retention import DeletionCertificate
from tests.airlock.test_worker import AIRLOCK, Running, cut_mid_step, state
from tests.retention import datasets

runner = CliRunner()
RESTART = {"AIRLOCK_UPLOAD_ABANDON_SECONDS": "1", "AIRLOCK_REJECTED_REPORT_SECONDS": "0"}
"""The restart gives up an upload cut off a second ago, and purges a rejected dataset at
once: each dataset reaches its final state in one pass."""


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[Running]]:
    """The processes a test started; killed at the end if still running."""
    processes: list[Running] = []
    yield processes
    for each in processes:
        if each.process.poll() is None:
            each.kill()


def launch(started: list[Running], tmp_path: Path, *args: str,
           env: dict[str, str] | None = None) -> Running:
    log = tmp_path / f"process{len(started)}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [AIRLOCK, *args], env={**os.environ, "AIRLOCK_WORKER_POLL_SECONDS": "0.5",
                                   **(env or {})},
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, text=True)
    started.append(Running(process, log, log))
    return started[-1]


def restart(started: list[Running], tmp_path: Path) -> None:
    """`airlock worker --once`: one sweep and one pass over the queue."""
    once = launch(started, tmp_path, "worker", "--once", env=RESTART)
    assert once.process.wait(timeout=300) == 0, once.log.read_text()


def assert_purged_and_certified(instance: Instance, dataset_id: str, cause: str) -> None:
    assert state(instance, dataset_id) is DatasetState.PURGED
    with instance.reading() as session:
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.certificate is not None
    certificate = DeletionCertificate.model_validate_json(record.certificate)
    assert certificate.sanitisation.cause == cause and certificate.verification.passed
    verified = runner.invoke(app, ["certificate", "verify", dataset_id])
    assert verified.exit_code == 0, verified.output
    home = instance.settings.home
    left = [p for p in home.rglob("*") if dataset_id in p.as_posix()]
    assert left == [], left


def assert_final(instance: Instance) -> None:
    """Every dataset ready or purged, no unfinished write anywhere, a log that verifies."""
    with instance.reading() as session:
        states = set(session.scalars(select(Dataset.state)))
    assert states <= {DatasetState.READY, DatasetState.PURGED}, states
    assert list(instance.settings.vault_dir.rglob(".partial-*")) == []
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_killed_with_an_upload_in_flight(instance: Instance, started: list[Running],
                                         tmp_path: Path) -> None:
    """The archive comes through a pipe the test holds open: the upload is in flight, its
    ciphertext in a temporary file, for as long as the test needs."""
    datasets.contract(instance)
    pipe = tmp_path / "dataset.zip"
    os.mkfifo(pipe)
    upload = launch(started, tmp_path, "upload", str(pipe), "--contract", "retained",
                    "--tenant", "acme")
    # Read and write, without blocking: opening waits for no reader, and a write never
    # waits for one either, so a process that failed early fails the test, not hangs it.
    sender = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)
    vault = instance.settings.vault_dir

    def send_then_look() -> bool:
        with contextlib.suppress(BlockingIOError):
            os.write(sender, os.urandom(256 * 1024))
        return any(p.stat().st_size for p in vault.rglob(".partial-*"))

    try:
        upload.wait_for(send_then_look, seconds=60, every=0.05)
        upload.kill()
    finally:
        os.close(sender)
    with instance.reading() as session:
        dataset_id = session.scalars(select(Dataset.id)).one()
    assert state(instance, dataset_id) is DatasetState.RECEIVED
    time.sleep(1.1)  # older than AIRLOCK_UPLOAD_ABANDON_SECONDS at the restart
    restart(started, tmp_path)
    assert_purged_and_certified(instance, dataset_id, "abandoned")
    with instance.reading() as session:
        record = session.get(PurgeRecord, dataset_id)
        assert record is not None and record.leftovers == 1  # the temporary file
    assert_final(instance)


@pytest.mark.parametrize("cut_in", [DatasetState.VALIDATING, DatasetState.ANONYMISING])
def test_killed_during_validation_or_anonymisation(
        instance: Instance, started: list[Running], tmp_path: Path,
        cut_in: DatasetState) -> None:
    """Validation is cut in a dataset it then rejects: the restart resumes it, rejects it
    and purges it; anonymisation is resumed to `ready`."""
    rejected = cut_in is DatasetState.VALIDATING
    dataset_id = cut_mid_step(instance, lambda: launch(started, tmp_path, "worker"), cut_in,
                              broken=rejected)
    restart(started, tmp_path)
    if rejected:
        assert_purged_and_certified(instance, dataset_id, "rejected")
    else:
        assert state(instance, dataset_id) is DatasetState.READY
    assert_final(instance)


def test_killed_during_a_purge(instance: Instance, started: list[Running],
                               tmp_path: Path) -> None:
    """Objects a crashed writer never registered make the purge long enough to be cut."""
    found = datasets.contract(instance)
    dataset_id = datasets.trained(instance, found, datetime.now(UTC) - timedelta(days=40),
                                  days=datasets.RETENTION_DAYS)
    prefix = instance.settings.vault_dir / "datasets" / dataset_id
    for n in range(2000):
        (prefix / f"leftover-{n:04d}").write_bytes(b"ciphertext")
    sweep = launch(started, tmp_path, "retention", "run")
    sweep.wait_for(lambda: state(instance, dataset_id) is DatasetState.PURGING, seconds=60,
                   every=0.02)
    sweep.kill()
    assert state(instance, dataset_id) is DatasetState.PURGING
    restart(started, tmp_path)
    assert_purged_and_certified(instance, dataset_id, "retention")
    assert_final(instance)
