"""`airlock serve`'s own worker: a child `airlock worker` process anonymises, so that the API
process never loads the image and text models (they held 0.9 GB in it, idle or not).

One pipe joins the two, the child's stdin. Serve writes a line to it when it hands over a
validated dataset (the dataset's id and the id of the request that queued it, see
`airlock.request_origins`), which wakes the child at once rather than at its next poll.
Its end (serve stopped or died, SIGKILL included) ends the child at once, as if it had
been killed with serve: the step it was running is resumed at the next start, as any
interrupted step is.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from airlock.instance import Instance
from airlock.metrics.instruments import SERVE_WORKER_RESTARTS, SERVE_WORKER_UP
from airlock.pipeline import Pipeline, Step
from airlock.request_origins import RequestOrigins, handover_line

log = logging.getLogger("airlock.serve")

API_STEPS = frozenset(Step) - {Step.ANONYMISE}
"""What the API process runs itself: validation and purges stream, they load no model."""
COMMAND = [sys.executable, "-m", "airlock", "worker", "--for-serve"]
FIRST_RESTART_SECONDS = 1.0
LONGEST_RESTART_SECONDS = 60.0
"""A child that keeps dying is restarted after 1 s, then 2, 4, ... up to this; one that ran
this long before dying is restarted after 1 s again."""
STOP_GRACE_SECONDS = 10.0
"""How long serve's stop waits for the child to finish its dataset before killing it."""


@contextmanager
def serving_pipeline(instance: Instance) -> Iterator[Pipeline]:
    """The API's pipeline: every step but anonymisation, which it hands to serve's own worker
    (started here, stopped on leaving) or, with AIRLOCK_SERVE_WORKER=false, leaves to the
    operator's `airlock worker` processes, which find it when they poll."""
    if not instance.settings.serve_worker:
        yield Pipeline(instance, steps=API_STEPS)
        return
    child = ChildWorker(COMMAND)
    child.start()
    try:
        yield Pipeline(instance, steps=API_STEPS, handoff=child.wake)
    finally:
        child.stop()


@dataclass
class ChildWorker:
    """The child process, restarted when it dies while serve runs."""

    command: list[str]
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)

    def start(self) -> None:
        self._spawn()
        threading.Thread(target=self._supervise, daemon=True, name="serve-worker").start()

    def wake(self, dataset_id: str) -> None:
        """Never blocks or raises: a full pipe means a wake is pending already, and a child
        that died (or is being restarted) looks at the queue first thing when it starts.
        A line is shorter than PIPE_BUF, so it is written whole or not at all."""
        log.info("dataset %s: handed to serve's worker", dataset_id)
        with self._lock:
            if self._process is None or self._process.stdin is None:
                return
            try:
                os.write(self._process.stdin.fileno(), handover_line(dataset_id))
            except OSError:
                return

    def stop(self) -> None:
        """SIGTERM: the child finishes the dataset in progress, for up to STOP_GRACE_SECONDS,
        then it is killed (the next start resumes what it was doing)."""
        self._stopping.set()
        SERVE_WORKER_UP.up = None
        with self._lock:
            process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("serve's worker (pid %d) still busy after %g s: killed", process.pid,
                        STOP_GRACE_SECONDS)
            process.kill()
            process.wait()
        if process.stdin is not None:
            process.stdin.close()

    def _spawn(self) -> None:
        # Its own session: a Ctrl-C in serve's terminal reaches serve, which stops the child.
        process = subprocess.Popen(self.command, stdin=subprocess.PIPE,  # noqa: S603 (ours)
                                   start_new_session=True)
        assert process.stdin is not None
        os.set_blocking(process.stdin.fileno(), False)
        self._process = process
        SERVE_WORKER_UP.up = True
        log.info("serve's worker started (pid %d)", process.pid)

    def _supervise(self) -> None:
        pause = FIRST_RESTART_SECONDS
        while True:
            process = self._process
            assert process is not None
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            SERVE_WORKER_UP.up = False
            if time.monotonic() - started >= LONGEST_RESTART_SECONDS:
                pause = FIRST_RESTART_SECONDS
            log.error("serve's worker (pid %d) %s; restarted in %g s", process.pid,
                      _ending(code), pause)
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, LONGEST_RESTART_SECONDS)
            with self._lock:
                if self._stopping.is_set():
                    return
                if process.stdin is not None:
                    process.stdin.close()
                self._spawn()
                SERVE_WORKER_RESTARTS.inc()


def _ending(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def follow_serve(wake: threading.Event, origins: RequestOrigins) -> None:
    """In the child: a line on stdin is noted in `origins` and sets `wake`; its end (serve is
    gone) ends this process at once, as serve's end would have ended a step run in serve
    itself."""
    def read() -> None:
        pending = b""
        while chunk := os.read(sys.stdin.fileno(), 4096):
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                origins.note(line)
            wake.set()
        log.warning("serve is gone: its worker stops now; the next start resumes its step")
        os._exit(1)

    threading.Thread(target=read, daemon=True, name="serve-pipe").start()
