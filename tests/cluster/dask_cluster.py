"""A real Dask cluster on loopback for a test: `dask scheduler` and `dask worker` processes,
over TCP or TLS, started with the test's environment (its AIRLOCK_* storage and master key
settings, as a deployment's workers would have) and stopped workers first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed import Client, Security

DASK = str(Path(sys.executable).with_name("dask"))
START_SECONDS = 60


@dataclass
class Cluster:
    address: str
    security: Security | None
    tls_files: tuple[str, str, str] | None
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def client(self) -> Client:
        return Client(self.address, security=self.security, set_as_default=False, timeout=30)

    def worker_pids(self) -> dict[str, int]:
        """Worker address -> process id, as the scheduler knows them."""
        with self.client() as client:
            pids: dict[str, int] = client.run(os.getpid)
        return pids

    def executed(self) -> dict[int, int]:
        """Tasks each live worker process ran, by its process id."""
        with self.client() as client:
            counts: dict[str, int] = client.run(
                lambda dask_worker: dask_worker.state.executed_count)
        pids = self.worker_pids()
        return {pids[address]: count for address, count in counts.items()}


def _tls_files(folder: Path) -> tuple[Security, tuple[str, str, str]]:
    """One temporary certificate for every party, written where the processes read it."""
    temporary = Security.temporary()
    paths = []
    for name, pem in (("ca.pem", temporary.tls_ca_file), ("cert.pem", temporary.tls_scheduler_cert),
                      ("key.pem", temporary.tls_scheduler_key)):
        path = folder / name
        path.write_text(pem)
        path.chmod(0o600)
        paths.append(str(path))
    ca, cert, key = paths
    security = Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key,
                        require_encryption=True)
    return security, (ca, cert, key)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # One thread each: two single-threaded workers on two cores, as the issue measured.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               AIRLOCK_IMAGE_WORKERS="1", PYTHONFAULTHANDLER="1")
    return env


def _wait_for_file(path: Path, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the scheduler exited with {process.returncode}")
        if path.exists() and path.stat().st_size:
            try:
                info: dict[str, Any] = json.loads(path.read_text())
                return info
            except json.JSONDecodeError:
                pass
        time.sleep(0.1)
    raise TimeoutError("the scheduler did not start")


def _wait_for_workers(cluster: Cluster, count: int) -> None:
    with cluster.client() as client:
        client.wait_for_workers(count, timeout=START_SECONDS)


@contextmanager
def dask_cluster(folder: Path, workers: int = 2, tls: bool = False) -> Iterator[Cluster]:
    """A scheduler and `workers` single-threaded workers without nannies, on 127.0.0.1."""
    folder.mkdir(parents=True, exist_ok=True)
    security, files = _tls_files(folder) if tls else (None, None)
    tls_args = ["--tls-ca-file", files[0], "--tls-cert", files[1], "--tls-key", files[2]] \
        if files else []
    scheduler_file = folder / "scheduler.json"
    env = _environment()
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--protocol", "tls" if tls else "tcp", "--scheduler-file", str(scheduler_file),
         *tls_args],
        env=env, stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("wb"))
    cluster: Cluster | None = None
    try:
        address = _wait_for_file(scheduler_file, scheduler)["address"]
        cluster = Cluster(address, security, files, scheduler)
        for n in range(workers):
            cluster.workers.append(subprocess.Popen(
                [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"worker-{n}", "--death-timeout", "60",
                 *tls_args],
                env=env, stdout=subprocess.DEVNULL,
                stderr=(logs / f"worker-{n}.log").open("wb")))
        _wait_for_workers(cluster, workers)
        yield cluster
    finally:
        for process in (cluster.workers if cluster else []):  # workers before the scheduler
            _stop(process)
        _stop(scheduler)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
