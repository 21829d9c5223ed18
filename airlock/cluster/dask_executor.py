"""Shard tasks on a Dask cluster.

One client per step run: it connects, submits one task per shard, and yields results as
they complete. A worker that dies mid-task has its task run again on another (Dask does
this; the task writes the same object again, under the id the coordinator chose). A lost
scheduler fails the step; the pipeline records it and runs it again later.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Callable, Generator
from concurrent.futures import CancelledError as FuturesCancelledError
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from airlock.pipeline.executor import Executor, LocalExecutor
from airlock.pipeline.steps import Step
from airlock.settings import Settings

if TYPE_CHECKING:
    from anonymize.dataset.shard_task import ShardParts, ShardResult, ShardTask

T = TypeVar("T")
CONNECT_SECONDS = 30
_LOST = (CancelledError, FuturesCancelledError, OSError)
"""What a client raises when its scheduler is gone (distributed's CommClosedError is an
OSError; a future cancelled for a lost connection, a CancelledError)."""


class ClusterUnavailable(Exception):
    """The Dask scheduler could not be reached, or was lost mid-step."""


@dataclass(frozen=True)
class DaskExecutor:
    address: str
    tls: tuple[str, str, str] | None = None
    """CA, certificate and key files for a `tls://` scheduler."""

    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        return work()

    def map_shards(self, tasks: list[ShardTask], here: ShardParts,
                   on_item: Callable[[int], None]) -> Generator[ShardResult, None, None]:
        from distributed import Client

        from airlock.cluster.tasks import anonymise_shard_task

        try:
            client = Client(self.address, security=self._security(), timeout=CONNECT_SECONDS,
                            set_as_default=False)
        except _LOST:
            raise ClusterUnavailable(f"the Dask scheduler at {self.address} cannot be "
                                     "reached") from None
        try:
            futures = client.map(anonymise_shard_task, tasks, pure=False,
                                 key=[f"airlock-shard-{task.output_copy}" for task in tasks])
        except BaseException:
            client.close()
            raise
        return _completed(client, futures, on_item)

    def _security(self) -> Any:
        if self.tls is None:
            return None
        from distributed import Security

        ca, cert, key = self.tls
        return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key,
                        require_encryption=True)


def _completed(client: Any, futures: list[Any],
               on_item: Callable[[int], None]) -> Generator[ShardResult, None, None]:
    from distributed import as_completed

    try:
        with client.as_current():  # as_completed looks the client up
            for future in as_completed(futures):
                result: ShardResult = future.result()
                on_item(result.items)
                yield result
    except _LOST:
        raise ClusterUnavailable("the Dask scheduler was lost mid-step") from None
    finally:
        client.cancel(futures)
        client.close()


def executor_for(settings: Settings) -> Executor:
    """A Dask executor when AIRLOCK_DASK_SCHEDULER is set, else this process."""
    if settings.dask_scheduler is None:
        return LocalExecutor()
    ca, cert, key = (settings.dask_tls_ca_file, settings.dask_tls_cert_file,
                     settings.dask_tls_key_file)
    if ca is None or cert is None or key is None:  # settings require them for tls://
        return DaskExecutor(settings.dask_scheduler)
    return DaskExecutor(settings.dask_scheduler, (str(ca), str(cert), str(key)))
