"""Purge step: a dataset of many objects purged by the real `Purger`, against its floor.

The dataset is made through the real services: the synthetic archive (four thumbnails)
uploaded and validated, then more objects written with `VaultService.write` and registered
with `VaultService.register` (temp and export copies) until it holds --items objects. The
purge (intent, bulk delete of every version, copies marked deleted, key destroyed,
verification, checkpoint, signed certificate) runs on:
- the local backend, against the floor `rm -rf` of a copy of the dataset's vault folder
  (the same files and bytes), made before the purge and synced to disk, as the vault's
  files are (unlinking a file still in the page cache only is far cheaper);
- with --s3, moto's ThreadedMotoServer on 127.0.0.1 in this process (versioned bucket,
  KMS master key from the same server). Every HTTP request the purge makes is counted by a
  botocore `before-send` hook and compared with the floor: one DeleteObjects per 1,000
  versions, and one ListObjectVersions page per 1,000 to find them. After the purge, as
  many objects again are put under another prefix, and the floor is timed on them in the
  same run: their listing pages, and the minimal DeleteObjects calls with their keys and
  version ids. Moto copies every version of the bucket on each listing, so its listings
  dominate both; the bucket holds only one of the two sets at a time.
Both prefixes must list no version afterwards. Setup is not timed.

Usage: .venv/bin/python bench/purge.py [--items 10000] [--s3]
"""

from __future__ import annotations

import io
import logging
import math
import os
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_instance import BenchInstance, bench_instance
from measure import Result, Row, figure, parser, peak_rss_mb, report, run, timed, workspace
from synthetic import THUMBNAIL, build, contract

from audit import SYSTEM
from catalog import CopyKind, DatasetState, get_dataset, live_copies, new_id
from vault import StoredObject

REGION = "us-east-1"
S3_PREFIX = "tenant-data"
DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts
REGISTER_BATCH = 500  # copies registered per transaction during setup
WRITE_THREADS = 4


class RequestCounter:
    """Counts every HTTP request botocore sends (retries too), by service and operation;
    registered on the default session before the instance makes its clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()

    def __call__(self, event_name: str, **_: Any) -> None:
        service, operation = event_name.split(".", 2)[1:]
        with self._lock:
            self.counts[(service, operation)] += 1

    def snapshot(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self.counts)


@dataclass(frozen=True)
class S3Setup:
    endpoint_url: str
    bucket: str
    kms_key_id: str

    def settings(self) -> dict[str, str]:
        return {"storage": "s3", "s3_bucket": self.bucket, "s3_prefix": S3_PREFIX,
                "s3_endpoint_url": self.endpoint_url, "kms_key_id": self.kms_key_id,
                "kms_endpoint_url": self.endpoint_url}


def private_client(endpoint_url: str, service: str) -> Any:
    """A client of its own session: its requests are not counted."""
    import boto3

    return boto3.session.Session().client(service, endpoint_url=endpoint_url,
                                          region_name=REGION)


@contextmanager
def moto_s3(counter: RequestCounter) -> Iterator[S3Setup]:
    """A versioned bucket and a KMS key on a loopback moto server, with dummy credentials
    (nothing can reach a real account); `counter` sees the default session's requests."""
    import boto3
    from moto.server import ThreadedMotoServer

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": "/dev/null",
                       "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the server's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        s3 = private_client(endpoint, "s3")
        bucket = f"airlock-bench-{new_id()[:16]}"
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        key_id = private_client(endpoint, "kms").create_key()["KeyMetadata"]["KeyId"]
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-send", counter)
        yield S3Setup(endpoint, bucket, key_id)
    finally:
        server.stop()


def versions_left(s3: S3Setup, prefix: str) -> int:
    client = private_client(s3.endpoint_url, "s3")
    left = 0
    for page in client.get_paginator("list_object_versions").paginate(Bucket=s3.bucket,
                                                                      Prefix=prefix):
        left += len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
    return left


def build_dataset(bench: BenchInstance, archive: Path, objects: int) -> str:
    """A validated dataset holding `objects` live copies."""
    instance = bench.instance
    dataset_id = bench.upload(archive)
    bench.validate(dataset_id)
    with instance.reading() as session:
        have = len(live_copies(session, dataset_id))
        key = instance.vault.data_key(session, dataset_id)
    kinds = (CopyKind.TEMP, CopyKind.EXPORT)

    def write(n: int) -> tuple[str, StoredObject]:
        copy_id = new_id()
        body = io.BytesIO(f"object {n} of {dataset_id}\n".encode() + os.urandom(64))
        return copy_id, instance.vault.write(key, dataset_id, copy_id, body)

    remaining = range(max(0, objects - have))
    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        for start in range(0, len(remaining), REGISTER_BATCH):
            written = list(pool.map(write, remaining[start:start + REGISTER_BATCH]))
            with instance.transaction(SYSTEM) as tx:
                row = get_dataset(tx.session, dataset_id, for_update=True)
                for n, (copy_id, stored) in enumerate(written):
                    instance.vault.register(tx, row, kinds[n % 2], copy_id, stored)
    return dataset_id


def purged_state(bench: BenchInstance, dataset_id: str) -> DatasetState:
    with bench.instance.reading() as session:
        return get_dataset(session, dataset_id).state


def local_purge(work: Path, archive: Path, objects: int) -> Result:
    with bench_instance(work / "local-home", contract("{images: keep}")) as bench:
        dataset_id = build_dataset(bench, archive, objects)
        folder = bench.instance.settings.vault_dir / "datasets" / dataset_id
        files = [path for path in folder.rglob("*") if path.is_file()]
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        shutil.copytree(folder, work / "floor-copy")
        os.sync()
        purge_s, certificate = timed(lambda: bench.purge(dataset_id))
        assert purged_state(bench, dataset_id) is DatasetState.PURGED
        left = [path for path in folder.rglob("*") if path.is_file()]
    floor_s = run(["rm", "-rf", str(work / "floor-copy")])
    if left:
        raise SystemExit(f"certified, but {len(left)} files are left in the local vault")
    return Result(
        name="purge", title="Purge step (local vault)",
        size=f"one dataset of {len(files)} encrypted objects, {figure(megabytes)} MB on disk",
        rows=[Row("airlock: Purger.purge (certificate signed)", purge_s, len(files),
                  megabytes),
              Row("floor: rm -rf of a copy of its vault folder", floor_s, len(files),
                  megabytes)],
        peak_rss_mb=peak_rss_mb(),
        notes=[f"versions deleted {certificate.sanitisation.versions_deleted}, verification "
               f"passed {certificate.verification.passed}.",
               "items/s here: objects purged per second.",
               "The floor's copy is synced to disk first, as the vault's files are: unlinking "
               "a durable file waits on the filesystem. rm -rf unlinks one file at a time, "
               "the vault 8 at once."])


def s3_purge(work: Path, archive: Path, objects: int) -> Result:
    counter = RequestCounter()
    with moto_s3(counter) as s3, \
            bench_instance(work / "s3-home", contract("{images: keep}"), **s3.settings()) \
            as bench:
        dataset_id = build_dataset(bench, archive, objects)
        before = counter.snapshot()
        purge_s, certificate = timed(lambda: bench.purge(dataset_id))
        requests = counter.snapshot() - before
        left = versions_left(s3, f"{S3_PREFIX}/datasets/{dataset_id}/")
        floor = s3_floor(s3, objects)
    if left:
        raise SystemExit(f"certified, but {left} versions are left in the bucket")
    versions = certificate.sanitisation.versions_deleted
    s3_requests = {op: n for (service, op), n in requests.items() if service == "s3"}
    pages = max(1, math.ceil(versions / DELETE_BATCH))
    return Result(
        name="purge_s3", title="Purge step (S3: moto on loopback, versioned bucket, KMS)",
        size=f"one dataset of {objects} encrypted objects",
        rows=[Row("airlock: Purger.purge (certificate signed)", purge_s, objects, 0.0),
              Row(f"floor: {floor.pages} listing pages + {floor.pages} DeleteObjects (boto3)",
                  floor.list_s + floor.delete_s, objects, 0.0),
              Row(f"floor: {floor.pages} DeleteObjects of known versions (boto3)",
                  floor.delete_s, objects, 0.0)],
        ratios={"S3 requests / the floor, ceil(versions / 1000) DeleteObjects and as many "
                "listing pages": sum(s3_requests.values()) / (2 * pages),
                "S3 requests / ceil(versions / 1000) DeleteObjects alone":
                sum(s3_requests.values()) / pages},
        notes=[f"versions deleted {versions}; S3 requests "
               + ", ".join(f"{op} {n}" for op, n in sorted(s3_requests.items()))
               + f"; floor {pages} DeleteObjects + {pages} listing pages.",
               f"certificate {len(certificate.model_dump_json()):,} bytes (copies named by "
               "a digest of their ids per kind and backend)."])


@dataclass(frozen=True)
class Floor:
    pages: int
    list_s: float
    delete_s: float


def s3_floor(s3: S3Setup, objects: int) -> Floor:
    """`objects` small objects put under a prefix of their own, then timed: listing their
    versions page by page, and deleting them with the fewest DeleteObjects calls."""
    client = private_client(s3.endpoint_url, "s3")
    prefix = f"floor-{new_id()}/"
    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        list(pool.map(lambda n: client.put_object(Bucket=s3.bucket, Key=f"{prefix}{n:06d}",
                                                  Body=b"."), range(objects)))
    list_s, versions = timed(lambda: [
        {"Key": version["Key"], "VersionId": version["VersionId"]}
        for page in client.get_paginator("list_object_versions").paginate(
            Bucket=s3.bucket, Prefix=prefix, PaginationConfig={"PageSize": DELETE_BATCH})
        for version in page.get("Versions", [])])
    batches = [versions[start:start + DELETE_BATCH]
               for start in range(0, len(versions), DELETE_BATCH)]
    delete_s, _ = timed(lambda: [client.delete_objects(
        Bucket=s3.bucket, Delete={"Objects": batch, "Quiet": True}) for batch in batches])
    if versions_left(s3, prefix):
        raise SystemExit("the floor's DeleteObjects calls left versions")
    return Floor(pages=len(batches), list_s=list_s, delete_s=delete_s)


def main() -> None:
    options = parser(__doc__, items=10_000)
    options.add_argument("--s3", action="store_true", help="also purge on moto's S3")
    args = options.parse_args()
    if args.items < 4:
        options.error("--items must be >= 4 (the uploaded archive's copies count)")
    with workspace(args.dir) as work:
        archive = build(work / "dataset.tar", 4, size=THUMBNAIL).archive
        report(local_purge(work, archive, args.items), args.results)
        if args.s3:
            report(s3_purge(work, archive, args.items), args.results)


if __name__ == "__main__":
    main()
