"""`airlock serve` killed with SIGKILL during a step: the next start records the interruption
once, resumes the step through the pipeline and brings the dataset to `ready`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from airlock.instance import Instance
from catalog import DatasetState
from tests.airlock.test_worker import (
    AIRLOCK,
    Running,
    assert_resumed_once,
    cut_mid_step,
    state,
)
from tests.e2e.conftest import free_port


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[list[Running]]:
    """The `airlock serve` processes a test started; killed at the end if still running."""
    started: list[Running] = []
    yield started
    for each in started:
        if each.process.poll() is None:
            each.process.kill()
            each.process.wait()


def serve(started: list[Running], tmp_path: Path) -> Running:
    log = tmp_path / f"serve{len(started)}.log"
    with log.open("w") as sink:
        process = subprocess.Popen([AIRLOCK, "serve", "--port", str(free_port())],
                                   env=dict(os.environ), stdout=sink,
                                   stderr=subprocess.STDOUT, text=True)
    started.append(Running(process, log, log))
    return started[-1]


@pytest.mark.parametrize("cut_in", [DatasetState.VALIDATING, DatasetState.ANONYMISING])
def test_serve_killed_mid_step_resumes_it_at_the_next_start(
        instance: Instance, serving: list[Running], tmp_path: Path,
        cut_in: DatasetState) -> None:
    # Each start-up's resume takes the pending uploads.
    received = cut_mid_step(instance, lambda: serve(serving, tmp_path), cut_in)
    second = serve(serving, tmp_path)
    second.wait_for(lambda: state(instance, received) is DatasetState.READY, seconds=300)
    second.kill()
    assert_resumed_once(instance, received, cut_in)
