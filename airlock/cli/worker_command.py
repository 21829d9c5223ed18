"""`airlock worker`: the retention sweep on its schedule and the queue of uploads to validate
and datasets to anonymise, in one long-running process."""

from __future__ import annotations

import importlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.output import console
from airlock.logs import configure_logging
from airlock.metrics import serve_worker_metrics
from airlock.serve_worker import follow_serve
from airlock.worker import Worker
from catalog import utcnow

log = logging.getLogger("airlock.worker")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def worker(once: Annotated[bool, typer.Option(
        "--once", help="One sweep and one pass over the queue, then exit (1 if anything "
                       "failed).")] = False,
        for_serve: Annotated[bool, typer.Option(
            "--for-serve", hidden=True, help="`airlock serve`'s own worker: the queue only, "
                                             "woken and ended through its stdin.")] = False,
        ) -> None:
    """Run the retention sweep on AIRLOCK_RETENTION_SCHEDULE and, in between, validate and
    anonymise queued uploads every AIRLOCK_WORKER_POLL_SECONDS, until SIGTERM or Ctrl-C."""
    with open_instance() as instance:
        settings = instance.settings
        # After the readiness check, whose migration context logs its set-up at info level.
        configure_logging(settings.log_level, settings.log_format)
        if not once:
            serve_worker_metrics(settings)
        if for_serve:
            serve_child(Worker(instance, None, settings.worker_poll_seconds))
            return
        runner = Worker(instance, settings.retention_schedule, settings.worker_poll_seconds)
        if once:
            console.print("Airlock worker: one retention sweep and one pass over the queue")
            if not runner.run_once():
                raise typer.Exit(1)
            return
        upcoming = runner.next_sweep_after(utcnow())
        console.print(f"Airlock worker: retention sweep on '{settings.retention_schedule}' "
                      f"(next {upcoming:%Y-%m-%d %H:%M:%S} UTC), uploads and anonymisations "
                      f"every {settings.worker_poll_seconds:g} s; SIGTERM or Ctrl-C stops it")
        stop = threading.Event()
        with stopping_on_signals(stop):
            runner.run_forever(stop)
    log.info("worker stopped")


def serve_child(runner: Worker) -> None:
    """The anonymisations `airlock serve` hands over, until it stops or dies. Their code is
    imported first, while serve starts, as serve itself did: the first dataset handed over
    does not wait for it (the models load with that dataset, as they did in serve)."""
    console.print(f"Airlock worker of serve (pid {os.getppid()}): anonymisations when serve "
                  f"hands them over, or every {runner.poll_seconds:g} s")
    follow_serve(runner.wake, runner.origins)
    importlib.import_module("airlock.anonymisation")
    stop = threading.Event()
    with stopping_on_signals(stop):
        runner.run_forever(stop)
    log.info("worker stopped")


@contextmanager
def stopping_on_signals(stop: threading.Event) -> Iterator[None]:
    """The first SIGTERM or SIGINT sets `stop`: the sweep or dataset in progress finishes.
    A second one ends the process at once, which is safe: a killed sweep, validation or
    anonymisation is finished by the next run."""
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}

    def request_stop(number: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after the current step", signal.Signals(number).name)
        stop.set()
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_DFL)

    for number in STOP_SIGNALS:
        signal.signal(number, request_stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
