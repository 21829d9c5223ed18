"""The command line's progress bars go to standard error, and only when it is a terminal:
`airlock retention run` draws one over the due datasets on a terminal, and prints its
report alone when its output is read by a script; `airlock anonymise` draws the dataset's
items, its shards done and the rate."""

from __future__ import annotations

import os
import pty
import subprocess
from datetime import UTC, datetime, timedelta

from airlock.instance import Instance
from airlock.pipeline import Pipeline, Step
from catalog import get_dataset
from tests.airlock.test_pipeline import upload
from tests.airlock.test_worker import AIRLOCK
from tests.retention import datasets
from tests.terminal import drained


def retention_run(stderr_on_a_terminal: bool) -> tuple[str, bytes]:
    """stdout, and what reached stderr (through a pseudo-terminal when asked)."""
    if not stderr_on_a_terminal:
        done = subprocess.run([AIRLOCK, "retention", "run"], capture_output=True, text=True,
                              timeout=120, check=True)
        return done.stdout, done.stderr.encode()
    return on_a_terminal([AIRLOCK, "retention", "run"])


def on_a_terminal(command: list[str]) -> tuple[str, bytes]:
    """stdout, and what reached stderr through a pseudo-terminal."""
    leader, follower = pty.openpty()
    with subprocess.Popen(command, stdout=subprocess.PIPE,
                          stderr=follower, text=True,
                          env={**os.environ, "COLUMNS": "100"}) as process:
        os.close(follower)
        drawn = drained(leader)
        assert process.stdout is not None
        stdout = process.stdout.read()
    os.close(leader)
    return stdout, drawn


def test_retention_run_draws_a_bar_on_a_terminal_only(instance: Instance) -> None:
    datasets.trained(instance, datasets.contract(instance),
                     datetime.now(UTC) - timedelta(days=40), days=datasets.RETENTION_DAYS)
    stdout, drawn = retention_run(stderr_on_a_terminal=True)
    assert "1 purged, 0 held, 0 failed" in stdout
    assert b"purge" in drawn and b"1/1" in drawn  # the bar, cleared once done
    stdout, stderr = retention_run(stderr_on_a_terminal=False)
    assert stdout == "nothing is due\n" and stderr == b""


def test_anonymise_draws_items_shards_and_rate_on_a_terminal(instance: Instance) -> None:
    instance.settings = instance.settings.model_copy(update={"shard_max_files": 2})
    dataset_id = upload(instance)  # class folders: image shards of two, no label shard
    Pipeline(instance).advance(dataset_id, only=Step.VALIDATE)
    with instance.reading() as session:
        items = get_dataset(session, dataset_id).item_count or 0
    stdout, drawn = on_a_terminal([AIRLOCK, "anonymise", dataset_id])
    shards = -(-items // 2)
    assert f"{items} items" in stdout
    assert b"anonymise" in drawn and f"{items}/{items}".encode() in drawn
    assert f"shards {shards}/{shards}".encode() in drawn and b" items/s" in drawn
