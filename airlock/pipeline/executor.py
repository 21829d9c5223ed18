"""Where a step's work runs: in this process now; on a cluster (Dask) later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from airlock.pipeline.steps import Step

T = TypeVar("T")


class Executor(Protocol):
    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        """Run one step's work for one dataset and return its result (or raise its error)."""
        ...


class LocalExecutor:
    """In this process. The anonymisation still starts its own process pool for large
    datasets (AIRLOCK_ANONYMISE_WORKERS)."""

    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        return work()
