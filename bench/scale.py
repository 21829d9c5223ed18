"""Scale-out: the anonymise step's image shards on a Dask cluster of 1 and of 2 worker
processes on this machine, against the same step run in this process, and the fixed costs
of a task and of a shard.

Airlock: the pipeline's anonymise step on a validated dataset of photo-like JPEGs whose
contract redacts images (faces and text), cut by validation into shards of `--shard-files`
files; its shard tasks go to a `distributed.LocalCluster` of single-threaded worker
processes (AIRLOCK_IMAGE_WORKERS=1 and one BLAS/OpenMP thread each, so that two workers use
the two cores and no more). Baseline in the same run: the same step with its shards run in
this process, one image thread. The machine's own ceiling for two processes, in the same
run: a CPU-bound floor (each image decoded and re-encoded five times with PIL) split over
one and over two processes. Overheads: a no-op task's round trip through the scheduler; and
a shard's fixed cost, from the step with images kept (no redaction: the read, decrypt, tar,
encrypt and write of each shard) at two shard sizes.

Usage: .venv/bin/python bench/scale.py [--items 96] [--shard-files 8]
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench_instance import BenchInstance, bench_instance
from measure import Result, Row, figure, parser, report, timed, workspace
from PIL import Image
from synthetic import build, contract, photos_in

from airlock.cluster import DaskExecutor
from airlock.pipeline import Pipeline, Step

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NO_OP_TASKS = 200


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A scheduler and `workers` single-threaded worker processes on 127.0.0.1; they inherit
    this process's environment, the instance's settings included."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def anonymise_on(bench: BenchInstance, dataset_id: str, address: str | None) -> float:
    """Seconds of the anonymise step, its shards on the cluster at `address` (None: here)."""
    executor = DaskExecutor(address) if address else None
    pipeline = Pipeline(bench.instance, executor=executor)
    seconds, done = timed(lambda: pipeline.advance(dataset_id, only=Step.ANONYMISE))
    assert done.anonymisation is not None
    return seconds


def warm(address: str) -> None:
    """Each worker loads its models before the clock starts (as a long-running cluster has)."""
    from distributed import Client

    from airlock.cluster.tasks import load_models

    with Client(address, set_as_default=False) as client:
        client.run(load_models)


def task_overhead(address: str) -> float:
    """Seconds per no-op task, submitted together and gathered."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        started = time.perf_counter()
        client.gather(client.map(int, range(NO_OP_TASKS), pure=False))
        return (time.perf_counter() - started) / NO_OP_TASKS


def reencode(photo: bytes) -> int:
    """CPU work on one image with no Airlock in it: decoded and encoded five times."""
    for _ in range(5):
        with Image.open(io.BytesIO(photo)) as image:
            image.convert("RGB").save(io.BytesIO(), "JPEG", quality=90)
    return 1


def floor_seconds(archive: Path, processes: int) -> float:
    """Seconds to re-encode every photo of `archive` on `processes` processes."""
    photos = []
    for image in photos_in(archive):
        out = io.BytesIO()
        image.save(out, "JPEG")
        photos.append(out.getvalue())
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(int, range(processes)))  # started before the clock
        seconds, _ = timed(lambda: sum(pool.map(reencode, photos, chunksize=4)))
    return seconds


def validated(bench: BenchInstance, archive: Path) -> str:
    dataset_id = bench.upload(archive)
    bench.validate(dataset_id)
    return dataset_id


def kept_shard_seconds(work: Path, archive: Path, items: int, shard_files: int) -> float:
    """Seconds per shard of the anonymise step with images kept, in this process."""
    with bench_instance(work / f"keep-{shard_files}", contract("{images: keep}"),
                        shard_max_files=shard_files, image_workers=1) as bench:
        seconds = anonymise_on(bench, validated(bench, archive), None)
    return seconds / -(-items // shard_files)


def main() -> None:
    options = parser(__doc__, items=96)
    options.add_argument("--shard-files", type=int, default=8,
                         help="files per shard (default 8)")
    args = options.parse_args()
    os.environ.update(ONE_THREAD)
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items)
        with bench_instance(work / "home", contract("{images: redact}", free_text=False),
                            shard_max_files=args.shard_files, image_workers=1) as bench:
            os.environ.update(AIRLOCK_HOME=str(bench.instance.settings.home),
                              AIRLOCK_IMAGE_WORKERS="1")
            here_id, one_id, two_id = (validated(bench, dataset.archive) for _ in range(3))
            bench.instance.image_models  # noqa: B018  (loaded before the clock starts)
            here_s = anonymise_on(bench, here_id, None)
            with local_cluster(1) as address:
                warm(address)
                one_s = anonymise_on(bench, one_id, address)
            with local_cluster(2) as address:
                warm(address)
                two_s = anonymise_on(bench, two_id, address)
                per_task = task_overhead(address)
        floor_one, floor_two = (floor_seconds(dataset.archive, n) for n in (1, 2))
        shards = -(-dataset.items // args.shard_files)
        small, large = (kept_shard_seconds(work, dataset.archive, dataset.items, files)
                        for files in (max(1, args.shard_files // 4), args.shard_files))
    megabytes = dataset.image_megabytes
    result = Result(
        name="scale", title="Anonymise step on a Dask cluster (images redacted)",
        size=f"{dataset.items} photo-like JPEGs, {megabytes:.0f} MB, {shards} shards of "
             f"{args.shard_files}",
        rows=[Row("airlock: anonymise, shards on 2 Dask worker processes", two_s,
                  dataset.items, megabytes),
              Row("airlock: anonymise, shards on 1 Dask worker process", one_s, dataset.items,
                  megabytes),
              Row("baseline: anonymise, shards in this process, 1 image thread", here_s,
                  dataset.items, megabytes)],
        notes=[f"2 workers / 1 worker: {figure(one_s / two_s)}x (target 1.8x); the machine's "
               f"own ceiling, a CPU-bound floor on 2 processes / 1: "
               f"{figure(floor_one / floor_two)}x",
               f"per task through the scheduler: {per_task * 1000:.1f} ms (no-op, "
               f"{NO_OP_TASKS} tasks)",
               f"per shard with images kept: {small * 1000:.0f} ms at "
               f"{max(1, args.shard_files // 4)} files, {large * 1000:.0f} ms at "
               f"{args.shard_files} files",
               f"per image on one worker: {one_s / dataset.items * 1000:.0f} ms"])
    report(result, args.results)


if __name__ == "__main__":
    main()
