"""The command line's progress bars: on standard error, and only when it is a terminal
(scripts and pipes read clean output)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from airlock.cli.output import errors

if TYPE_CHECKING:
    from airlock.instance import Instance
    from airlock.pipeline import Step, Watch


def _bars(*columns: ProgressColumn) -> Progress:
    return Progress("[progress.description]{task.description}", *columns, console=errors,
                    transient=True, disable=not errors.is_terminal)


def byte_bars() -> Progress:
    """Bytes sent, their rate and the time left (uploads)."""
    return _bars(BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())


def item_bars() -> Progress:
    """Items done of a known total, and the time left."""
    return _bars(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())


def count_bars() -> Progress:
    """Items done, the total unknown (archive entries while validating)."""
    return _bars(MofNCompleteColumn())


def step_progress(instance: Instance) -> Watch:
    """The pipeline's steps as bars: validation counts archive entries, anonymisation the
    dataset's items; the purge steps draw none."""

    from catalog import get_dataset  # here: `airlock image` starts without the catalog

    @contextmanager
    def watch(step: Step, dataset_id: str) -> Iterator[Callable[[int], None]]:
        if step.value not in ("validate", "anonymise"):  # the purge steps count nothing
            yield lambda _n: None
            return
        if step.value == "validate":
            with count_bars() as progress:
                task = progress.add_task(step.value)
                yield lambda _n: progress.advance(task, 1)
            return
        with instance.reading() as session:
            total = get_dataset(session, dataset_id).item_count
        with item_bars() as progress:
            task = progress.add_task(step.value, total=total)
            yield lambda n: progress.advance(task, n)
    return watch
