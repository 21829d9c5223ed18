"""The worker: the sweep on its cron schedule and the queue between sweeps, on a real
instance with a simulated clock, and the real `airlock worker` in a subprocess."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from airlock.worker import STEP_SECONDS, Worker
from audit import SYSTEM
from audit.events import TenantCreated
from catalog import (
    AuditCheckpoint,
    AuditEventRecord,
    AuditHead,
    CopyKind,
    DatasetState,
    get_dataset,
    live_copies,
)
from intake import receive_upload
from tests.intake.datasets import pack
from tests.retention import datasets

START = datetime(2026, 11, 20, 12, 0, 30, tzinfo=UTC)
EVERY_FIVE_MINUTES = "*/5 * * * *"
AIRLOCK = str(Path(sys.executable).parent / "airlock")
KILL_ITEMS = 1500
"""Enough items that validation and anonymisation each last long enough to be killed."""


@dataclass
class SimulatedTime:
    """A clock that moves only when the worker sleeps; stops the worker at `until`, and runs
    each of `at`'s actions once the clock has passed its time."""

    until: datetime
    stop: threading.Event = field(default_factory=threading.Event)
    now: datetime = START
    slept: list[float] = field(default_factory=list)
    at: dict[datetime, Callable[[], None]] = field(default_factory=dict)

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)
        for moment in [m for m in self.at if m <= self.now]:
            self.at.pop(moment)()
        if self.now >= self.until:
            self.stop.set()


def simulate(instance: Instance, minutes: float, schedule: str = EVERY_FIVE_MINUTES,
             at: dict[datetime, Callable[[], None]] | None = None) -> SimulatedTime:
    """Run the worker (polling every 10 s) from START for `minutes` of simulated time."""
    time_ = SimulatedTime(until=START + timedelta(minutes=minutes), at=dict(at or {}))
    worker = Worker(instance, schedule, 10.0, clock=time_.clock, sleep=time_.sleep)
    worker.run_forever(time_.stop)
    return time_


def sweep_times(instance: Instance) -> list[datetime]:
    """When each sweep ran, by the worker's clock: every sweep signs a checkpoint of the log
    (the first checkpoint is `airlock init`'s)."""
    with instance.reading() as session:
        return list(session.scalars(select(AuditCheckpoint.at)
                                    .order_by(AuditCheckpoint.tree_size)))[1:]


def sweeps_audited(instance: Instance) -> int:
    with instance.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEventRecord)
                              .where(AuditEventRecord.action == "retention.sweep")) or 0


def at_minute(minute: int) -> datetime:
    return START.replace(minute=minute, second=0)


def test_a_sweep_runs_at_each_fire_time_and_not_in_between(instance: Instance) -> None:
    time_ = simulate(instance, minutes=16)
    assert sweep_times(instance) == [at_minute(5), at_minute(10), at_minute(15)]
    assert sweeps_audited(instance) == 3
    assert max(time_.slept) <= STEP_SECONDS  # a stop request is never slept through


def test_a_failing_sweep_does_not_stop_the_loop(
        instance: Instance, caplog: pytest.LogCaptureFixture) -> None:
    def break_the_log() -> None:  # the sweep's last step, signing a checkpoint, then fails
        with instance.engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_checkpoints RENAME TO broken"))

    def mend_the_log() -> None:
        with instance.engine.begin() as connection:
            connection.execute(text("ALTER TABLE broken RENAME TO audit_checkpoints"))

    with caplog.at_level(logging.INFO, logger="airlock.worker"):
        simulate(instance, minutes=16, at={at_minute(4): break_the_log,
                                           at_minute(7): mend_the_log})
    assert sweep_times(instance) == [at_minute(10), at_minute(15)]
    assert sweeps_audited(instance) == 2  # the failed sweep's summary was rolled back
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert failures[0].getMessage().startswith("retention sweep failed: sqlalchemy.exc.")
    logged = failures[0].getMessage()
    assert "in write_checkpoint" in logged  # where: the traceback's frames
    assert "no such table" not in logged and "broken" not in logged  # never the message


def test_a_stop_request_is_honoured_within_a_second(instance: Instance) -> None:
    worker = Worker(instance, "0 0 1 1 *", poll_seconds=3600)  # real clock and sleep
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,))
    thread.start()
    time.sleep(0.5)
    asked = time.monotonic()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - asked < 1.0


@pytest.mark.parametrize("schedule", ["", "hourly", "61 * * * *", "* * * *", "0 0 31 2 *"])
def test_an_invalid_schedule_is_refused_naming_the_setting(instance: Instance,
                                                           schedule: str) -> None:
    with pytest.raises(ValueError, match=r"^AIRLOCK_RETENTION_SCHEDULE .* is not a usable cron"):
        Worker(instance, schedule, poll_seconds=10)


def test_the_command_refuses_an_invalid_schedule(instance: Instance,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier command in the same process must not leave its settings behind.
    assert CliRunner().invoke(app, ["audit", "verify"]).exit_code == 0
    monkeypatch.setenv("AIRLOCK_RETENTION_SCHEDULE", "61 * * * *")
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: AIRLOCK_RETENTION_SCHEDULE '61 * * * *' is not")


def test_run_once_sweeps_and_works_through_the_queue(instance: Instance) -> None:
    found = datasets.contract(instance)
    due = datasets.trained(instance, found, datetime.now(UTC) - timedelta(days=40),
                           days=datasets.RETENTION_DAYS)
    received = datasets.uploaded(instance, found).id
    assert Worker(instance, EVERY_FIVE_MINUTES, poll_seconds=10).run_once()
    assert state(instance, due) is DatasetState.PURGED
    assert state(instance, received) is DatasetState.READY


def test_a_dataset_that_keeps_failing_is_retried_ever_later(
        instance: Instance, caplog: pytest.LogCaptureFixture) -> None:
    received = datasets.uploaded(instance, datasets.contract(instance)).id
    with instance.reading() as session:
        raw = next(c.id for c in live_copies(session, received) if c.kind is CopyKind.RAW)
    instance.vault.discard(received, raw)  # storage lost it: validation cannot read it
    with caplog.at_level(logging.INFO, logger="airlock.pipeline"):
        simulate(instance, minutes=6, schedule="0 0 1 1 *")
    tries = [r for r in caplog.records
             if r.getMessage().startswith(f"dataset {received}: validate failed")]
    assert len(tries) == 3  # at 0, 1 and 3 minutes (waits of 1, 2, 4 minutes), not every poll
    assert state(instance, received) is DatasetState.VALIDATING


def test_the_queue_yields_to_a_stop_between_datasets(instance: Instance) -> None:
    received = datasets.uploaded(instance, datasets.contract(instance)).id
    done = Worker(instance, EVERY_FIVE_MINUTES, poll_seconds=10).process_queue(lambda: True)
    assert done is not None and done.interrupted and not done.validated
    assert state(instance, received) is DatasetState.RECEIVED


def state(instance: Instance, dataset_id: str) -> DatasetState:
    with instance.reading() as session:
        return get_dataset(session, dataset_id).state


# The real command, in a subprocess.

@dataclass
class Running:
    process: subprocess.Popen[str]
    output: Path
    log: Path

    def wait_for(self, done: Callable[[], bool], seconds: float, every: float = 0.2) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(every)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> float:
        """SIGTERM; returns how long the worker took to exit, once it exited with 0."""
        asked = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=15) == 0, self.log.read_text()
        return time.monotonic() - asked


@pytest.fixture
def running_worker(instance: Instance, tmp_path: Path) -> Iterator[Callable[[], Running]]:
    """Starts `airlock worker` on the test's instance, sweeping every second; kills it at the
    end if a failed test left it running."""
    started: list[Running] = []

    def start() -> Running:
        env = {**os.environ, "AIRLOCK_RETENTION_SCHEDULE": "* * * * * *",
               "AIRLOCK_WORKER_POLL_SECONDS": "0.5"}
        output, log = tmp_path / "worker.out", tmp_path / "worker.log"
        with output.open("w") as out, log.open("w") as err:
            process = subprocess.Popen([AIRLOCK, "worker"], env=env, stdout=out, stderr=err,
                                       text=True)
        started.append(Running(process, output, log))
        return started[-1]

    yield start
    for each in started:
        if each.process.poll() is None:
            each.process.kill()
            each.process.wait()


def test_the_worker_purges_what_is_due_and_stops_on_sigterm(
        instance: Instance, running_worker: Callable[[], Running]) -> None:
    found = datasets.contract(instance)
    due = datasets.trained(instance, found, datetime.now(UTC) - timedelta(days=40),
                           days=datasets.RETENTION_DAYS)
    worker = running_worker()
    worker.wait_for(lambda: state(instance, due) is DatasetState.PURGED, seconds=60)
    assert worker.stop() < 5
    assert worker.output.read_text().startswith(
        "Airlock worker: retention sweep on '* * * * * *' (next ")
    log = worker.log.read_text()
    assert "1 due, 1 purged, 0 held, 0 failed" in log
    assert "SIGTERM received" in log
    assert json.loads(log.splitlines()[-1])["message"] == "worker stopped"


def test_the_worker_validates_and_anonymises_an_upload(
        instance: Instance, running_worker: Callable[[], Running]) -> None:
    received = datasets.uploaded(instance, datasets.contract(instance)).id
    worker = running_worker()
    worker.wait_for(lambda: state(instance, received) is DatasetState.READY, seconds=120)
    assert worker.stop() < 5
    log = worker.log.read_text()
    assert f"dataset {received}: validate finished, accepted" in log
    assert f"dataset {received}: anonymise finished" in log
    assert "queue: 1 validated, 1 anonymised, 0 failed" in log


@pytest.mark.parametrize("cut_in", [DatasetState.VALIDATING, DatasetState.ANONYMISING])
def test_a_worker_killed_mid_step_resumes_it_and_records_one_interruption(
        instance: Instance, running_worker: Callable[[], Running], cut_in: DatasetState) -> None:
    """SIGKILL while the step runs; the next worker records the interruption once, resumes
    the step and brings the dataset to `ready`, with an audit log that verifies."""
    received = cut_mid_step(instance, running_worker, cut_in)
    worker = running_worker()
    worker.wait_for(lambda: state(instance, received) is DatasetState.READY, seconds=300)
    assert worker.stop() < 15
    assert_resumed_once(instance, received, cut_in)
    step = "validate" if cut_in is DatasetState.VALIDATING else "anonymise"
    assert f"the {step} step was interrupted" in worker.log.read_text()


def assert_resumed_once(instance: Instance, dataset_id: str, cut_in: DatasetState) -> None:
    """One interruption recorded, one anonymisation started, and a log that verifies."""
    with instance.reading() as session:
        recorded = list(session.scalars(select(AuditEventRecord.action).where(
            AuditEventRecord.dataset_id == dataset_id)))
    step = "validation" if cut_in is DatasetState.VALIDATING else "anonymisation"
    assert recorded.count(f"dataset.{step}_interrupted") == 1
    assert recorded.count("dataset.anonymisation_started") == 1
    assert CliRunner().invoke(app, ["audit", "verify"]).exit_code == 0


PROGRESS = [DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
            DatasetState.ANONYMISING, DatasetState.READY]


def cut_mid_step(instance: Instance, start: Callable[[], Running],
                 cut_in: DatasetState, broken: bool = False) -> str:
    """Upload a dataset (`broken`: with a file that is no image, so it is rejected), start a
    process that works it, SIGKILL it while the dataset is `cut_in`; the id of the dataset
    cut there. A step can end between the look and the kill, or between two looks on a
    loaded machine: then a new upload tries again."""
    for _ in range(4):
        files = {f"data/{('cat', 'dog')[n % 2]}/{n:04d}.png": distinct_image(n)
                 for n in range(KILL_ITEMS)}
        if broken:
            files["data/cat/broken.png"] = b"not an image"
        received = receive_upload(instance.transactions(SYSTEM), instance.vault,
                                  datasets.contract(instance), io.BytesIO(pack(files, "zip")),
                                  10**9).id
        process = start()
        process.wait_for(lambda: PROGRESS.index(state(instance, received))  # noqa: B023
                         >= PROGRESS.index(cut_in), seconds=120, every=0.02)
        process.kill()
        if state(instance, received) is cut_in:
            return received
    pytest.fail(f"no kill landed while a dataset was {cut_in}")


def distinct_image(n: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (n % 256, n // 256 % 256, 7)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_worker_signs_an_idle_tail_past_the_time_bound(instance: Instance) -> None:
    """With no event to trigger it, the worker still bounds the unsigned tail in time."""
    with instance.transaction(SYSTEM) as tx:
        tx.record(TenantCreated(tenant="late"))
    worker = Worker(instance, EVERY_FIVE_MINUTES, 10.0)
    assert not worker.checkpoint()  # the tail is younger than the bound
    with instance.sessions() as session, session.begin():
        head = session.execute(select(AuditHead)).scalar_one()
        assert head.checkpoint_at is not None
        head.checkpoint_at -= timedelta(seconds=instance.settings.checkpoint_every_seconds)
    assert worker.checkpoint()
    with instance.reading() as session:
        head = session.execute(select(AuditHead)).scalar_one()
        signed = session.execute(select(func.max(AuditCheckpoint.tree_size))).scalar_one()
    assert signed == head.seq - 1 == head.checkpoint_size
    assert not worker.checkpoint()  # nothing new since
