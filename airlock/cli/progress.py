"""The command line's progress bars: on standard error, and only when it is a terminal
(scripts and pipes read clean output)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from airlock.cli.output import errors

if TYPE_CHECKING:
    from airlock.pipeline import Step, Watch
    from catalog import Progress as CatalogProgress


def _bars(*columns: ProgressColumn) -> Progress:
    return Progress("[progress.description]{task.description}", *columns, console=errors,
                    transient=True, disable=not errors.is_terminal)


def byte_bars() -> Progress:
    """Bytes sent, their rate and the time left (uploads)."""
    return _bars(BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())


def item_bars() -> Progress:
    """Items done of a known total, and the time left."""
    return _bars(BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())


class _Rate(ProgressColumn):
    """Items a second since the bar started (rich's own speed averages a short window)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed
        if not task.completed or not elapsed:
            return Text("")
        return Text(f"{task.completed / elapsed:.1f} items/s", style="progress.data.speed")


def step_bars() -> Progress:
    """A step's items done of its total, its shards done (when cut into shards), the rate
    and the time left."""
    return _bars(BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[shards]}"),
                 _Rate(), TimeRemainingColumn())


@dataclass
class _StepBar:
    """A step's progress drawn as a bar: validation counts archive entries (its total
    unknown), anonymisation the dataset's items and its shards."""

    bars: Progress
    task: TaskID
    shards_done: int = 0
    shards_total: int | None = None

    def started(self, total: int | None, shards: int | None = None) -> None:
        self.shards_total = shards
        self.bars.update(self.task, total=total, shards=self._shards())

    def advanced(self, done: int) -> None:
        self.bars.advance(self.task, done)

    def shard_done(self) -> None:
        self.shards_done += 1
        self.bars.update(self.task, shards=self._shards())

    def _shards(self) -> str:
        if self.shards_total is None:
            return ""
        return f"shards {self.shards_done}/{self.shards_total}"


def step_progress() -> Watch:
    """The pipeline's steps as bars; the purge steps draw none."""
    from catalog import NoProgress  # here: `airlock image` starts without the catalog

    @contextmanager
    def watch(step: Step, dataset_id: str) -> Iterator[CatalogProgress]:
        if step.value not in ("validate", "anonymise"):  # the purge steps count nothing
            yield NoProgress()
            return
        with step_bars() as bars:
            yield _StepBar(bars, bars.add_task(step.value, total=None, shards=""))
    return watch
