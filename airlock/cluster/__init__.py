"""Anonymisation on a Dask cluster: the executor that sends shard tasks to the scheduler, and
the task functions the workers import from this package (the scheduler ships only their
names)."""

from airlock.cluster.dask_executor import DaskExecutor, executor_for

__all__ = ["DaskExecutor", "executor_for"]
