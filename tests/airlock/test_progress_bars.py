"""The command line's progress bars go to standard error, and only when it is a terminal:
`airlock retention run` draws one over the due datasets on a terminal, and prints its
report alone when its output is read by a script."""

from __future__ import annotations

import os
import pty
import subprocess
from datetime import UTC, datetime, timedelta

from airlock.instance import Instance
from tests.airlock.test_worker import AIRLOCK
from tests.retention import datasets


def retention_run(stderr_on_a_terminal: bool) -> tuple[str, bytes]:
    """stdout, and what reached stderr (through a pseudo-terminal when asked)."""
    if not stderr_on_a_terminal:
        done = subprocess.run([AIRLOCK, "retention", "run"], capture_output=True, text=True,
                              timeout=120, check=True)
        return done.stdout, done.stderr.encode()
    leader, follower = pty.openpty()
    with subprocess.Popen([AIRLOCK, "retention", "run"], stdout=subprocess.PIPE,
                          stderr=follower, text=True,
                          env={**os.environ, "COLUMNS": "100"}) as process:
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            drawn += chunk
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
