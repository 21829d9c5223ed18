"""Where a step's work runs: the step in this process; its shard tasks in this process, or
on a Dask cluster (AIRLOCK_DASK_SCHEDULER)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Protocol, TypeVar

from airlock.pipeline.steps import Step

if TYPE_CHECKING:
    from anonymize.dataset.shard_task import ShardParts, ShardResult, ShardTask

T = TypeVar("T")


class Executor(Protocol):
    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        """Run one step's work for one dataset and return its result (or raise its error)."""
        ...

    def map_shards(self, tasks: list[ShardTask], here: ShardParts,
                   on_item: Callable[[int], None]) -> Generator[ShardResult, None, None]:
        """Start every shard task and yield their results as they complete; `here` is this
        process's vault and models, for tasks run in this process; `on_item` is told of the
        items done as they are known (each item here, each shard's on a cluster). Closing
        the generator early cancels what is left."""
        ...


class LocalExecutor:
    """In this process: shard after shard, each on the image threads (AIRLOCK_IMAGE_WORKERS).
    The anonymisation still starts its own process pool for the labels of large datasets
    (AIRLOCK_ANONYMISE_WORKERS)."""

    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        return work()

    def map_shards(self, tasks: list[ShardTask], here: ShardParts,
                   on_item: Callable[[int], None]) -> Generator[ShardResult, None, None]:
        from anonymize.dataset.shard_task import anonymise_shard

        for task in tasks:
            yield anonymise_shard(task, here, on_item)
