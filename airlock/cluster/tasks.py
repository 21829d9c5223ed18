"""What a Dask worker runs. The scheduler sends a task function by name, so it must live in
the installed package; the worker builds its own vault and models from its environment (the
same AIRLOCK_* storage and master key settings as the service), once per process."""

from __future__ import annotations

import functools
import logging

from airlock.instance import Instance
from airlock.settings import Settings
from airlock.shard_parts import InstanceShardParts
from anonymize.dataset.shard_task import ShardResult, ShardTask, anonymise_shard
from anonymize.image import ImagePlan

log = logging.getLogger("airlock.cluster")


class ShardTaskFailed(Exception):
    """A shard task failed; only the error's type travels, since a message may quote data
    and Dask logs and forwards what a task raises."""


@functools.cache
def _parts() -> InstanceShardParts:
    instance = Instance(Settings())
    instance.check_ready()
    return InstanceShardParts(instance)


def anonymise_shard_task(task: ShardTask) -> ShardResult:
    try:
        return anonymise_shard(task, _parts())
    except Exception as exc:
        log.error("dataset %s: shard %d failed: %s", task.dataset_id, task.index,
                  type(exc).__name__)
        raise ShardTaskFailed(type(exc).__name__) from None


def load_models() -> None:
    """The default plan's image models, loaded now rather than by the first task: run on
    every worker (`client.run`), or at a worker's start (`dask_setup`)."""
    _parts().instance.image_models.models(ImagePlan())


def dask_setup(worker: object) -> None:
    """`dask worker --preload airlock.cluster.tasks`: the worker loads its vault and models as
    it starts, not on its first task."""
    load_models()
