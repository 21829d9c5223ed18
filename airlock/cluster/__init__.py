"""Anonymisation on a Dask cluster: the executor that sends shard tasks to the scheduler, and
the task functions the workers import from this package (the scheduler ships only their
names)."""

from airlock.cluster.dask_executor import ClusterUnavailable, DaskExecutor, executor_for

__all__ = ["ClusterUnavailable", "DaskExecutor", "executor_for"]
