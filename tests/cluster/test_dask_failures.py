"""Anonymisation on a real Dask cluster: over TLS through the instance's settings, and a
worker killed mid-job."""

from __future__ import annotations

import io
import signal
import threading
import time
from pathlib import Path

import pytest

from airlock.cluster import ClusterUnavailable, DaskExecutor, executor_for
from airlock.instance import Instance
from airlock.pipeline import Pipeline
from airlock.retention_jobs import purger
from audit import SYSTEM
from catalog import CopyKind, DatasetState, get_dataset, live_copies, utcnow
from intake import receive_upload
from retention import Cause
from tests.anonymize.dataset.copies import anonymised_tar, members
from tests.cluster.dask_cluster import Cluster, dask_cluster
from tests.cluster.portraits import (
    FACES,
    anonymise,
    contract_for,
    files,
    registered,
    validated,
)
from tests.intake.datasets import pack


def test_over_tls_through_the_pipeline_setting(instance: Instance, tmp_path: Path) -> None:
    contract = contract_for(instance)
    with dask_cluster(tmp_path / "cluster", tls=True) as cluster:
        assert cluster.address.startswith("tls://") and cluster.tls_files is not None
        ca, cert, key = cluster.tls_files
        instance.settings = instance.settings.model_copy(update={
            "dask_scheduler": cluster.address, "dask_tls_ca_file": Path(ca),
            "dask_tls_cert_file": Path(cert), "dask_tls_key_file": Path(key)})
        assert executor_for(instance.settings) == DaskExecutor(cluster.address,
                                                                   (ca, cert, key))
        dataset = receive_upload(instance.transactions(SYSTEM), instance.vault,
                                 contract, io.BytesIO(pack(files(), "tar")), 10**9)
        done = Pipeline(instance).advance(dataset.id)
        assert sum(cluster.executed().values()) == 4
    assert done.anonymisation is not None and done.anonymisation.processes == 2
    with instance.reading() as session:
        assert get_dataset(session, dataset.id).state is DatasetState.READY


def _busy_worker(cluster: Cluster) -> str | None:
    """The address of the first worker seen running a shard task (None: none in 2 min)."""
    with cluster.client() as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy: list[str] = [address for address, keys in client.processing().items()
                               if any(str(k).startswith("airlock-shard-") for k in keys)]
            if busy:
                return busy[0]
            time.sleep(0.02)
    return None


def _kill_a_busy_worker(cluster: Cluster, killed: list[int]) -> None:
    pids = cluster.worker_pids()
    busy = _busy_worker(cluster)
    if busy is not None:
        killed.append(pids[busy])
        next(p for p in cluster.workers if p.pid == pids[busy]).send_signal(signal.SIGKILL)


def _kill_the_scheduler(cluster: Cluster, killed: list[int]) -> None:
    if _busy_worker(cluster) is not None:
        killed.append(cluster.scheduler.pid)
        cluster.scheduler.send_signal(signal.SIGKILL)


def test_a_worker_killed_mid_job(instance: Instance, tmp_path: Path) -> None:
    dataset_id = validated(instance, contract_for(instance))
    killed: list[int] = []
    with dask_cluster(tmp_path / "cluster") as cluster:
        killer = threading.Thread(target=_kill_a_busy_worker, args=(cluster, killed))
        killer.start()
        report = anonymise(instance, dataset_id, DaskExecutor(cluster.address))
        killer.join()
        survivors = cluster.executed()
    assert len(killed) == 1 and killed[0] not in survivors
    assert report.items == FACES and report.shards == 5
    out = members(anonymised_tar(instance, dataset_id))
    assert len([n for n in out if n.endswith(".jpg")]) == FACES
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.READY
        shards = [c for c in live_copies(session, dataset_id) if c.kind is CopyKind.ANONYMISED]
    assert sorted(c.shard or 0 for c in shards) == [0, 1, 2, 3, 4]
    assert set(instance.vault.list_objects(dataset_id)) == registered(instance, dataset_id)


def test_a_lost_scheduler_fails_the_step_which_runs_again_later(instance: Instance,
                                                                tmp_path: Path) -> None:
    dataset_id = validated(instance, contract_for(instance))
    killed: list[int] = []
    with dask_cluster(tmp_path / "cluster") as cluster:
        killer = threading.Thread(target=_kill_the_scheduler, args=(cluster, killed))
        killer.start()
        started = time.monotonic()
        with pytest.raises(ClusterUnavailable, match="lost mid-step"):
            anonymise(instance, dataset_id, DaskExecutor(cluster.address))
        killer.join()
    assert killed == [cluster.scheduler.pid] and time.monotonic() - started < 120
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.VALIDATED
        kinds = {c.kind for c in live_copies(session, dataset_id)}
    assert kinds == {CopyKind.RAW, CopyKind.RAW_SHARD}  # nothing of the run registered
    # A worker cut off from its scheduler may still finish its task after the step deleted
    # what the run wrote: an unregistered object, which the purge's listing removes.
    assert registered(instance, dataset_id) <= set(instance.vault.list_objects(dataset_id))
    report = anonymise(instance, dataset_id, None)  # as the pipeline's next try would
    assert report.items == FACES
    certificate = purger(instance).purge(dataset_id, Cause.RETENTION, utcnow())
    assert certificate.verification.passed
    assert instance.vault.list_objects(dataset_id) == []
