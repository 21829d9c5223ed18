"""Retention purge and audit verification, each against a floor measured in the same run.

Purge (--objects, default 10,000): a dataset whose vault prefix holds that many encrypted
objects, all registered as copies, is purged by the real `Purger` (intent, bulk delete of
every version, copies marked deleted, key destroyed, verification, checkpoint, signed
certificate):
- on S3: moto's ThreadedMotoServer on 127.0.0.1 in this process (versioned bucket, KMS
  master key from the same server). Every HTTP request the purge makes is counted by a
  botocore `before-send` hook and compared with the floor, one DeleteObjects per 1,000
  versions: ceil(versions / 1000). The prefix must list no version afterwards and the
  certificate must say passed, or the script fails (a purge that refuses to certify is
  reported with what it did and left; the rest still runs; the exit status is 1);
- on the local backend (a second instance), for objects/s as a second figure.
The dataset is made through the real services: an upload of a small archive
(`receive_upload`), its validation, then the remaining objects written with
`VaultService.write` and registered with `VaultService.register` (temp and export copies)
in batches; the lifecycle goes ready -> training -> trained by `start_training` and
`complete_training` (the anonymisation step is not run, it is not what is measured). The
purge runs on a clock 31 days ahead, past the contract's 30 days. Setup is timed apart.

Audit (--events, default 1,000,000): a SQLite instance whose log holds that many genuine
events (alternating `dataset.state_changed` and `vault.object_stored`, built from the
registered event classes, hashed and chained exactly as `audit.chain` does, bulk-inserted
with executemany in a few transactions) and one signed checkpoint over them. Timed:
`verify_chain` (links, hashes, Merkle root against the checkpoint, its signature),
`root_at` (the Merkle root over all events), and, when `audit.export` exists, the offline
verifier (`audit/bundle_verifier.py`'s `verify_bundle`) over the whole log exported as
`airlock audit export` does. The floor is reading the same rows (SQLAlchemy Core, no ORM)
and SHA-256 of their canonical bytes once, run before and after the verifications (the
faster counts); the offline verifier is also compared with its own floor, reading,
parsing and hashing the exported events.jsonl once.

The machine this runs on is shared and noisy: read the ratios, not the absolute times.

Appends (--appends, default 20,000): events appended one unit of work each through
`Instance.transaction`, with the default checkpoint bound (a signed checkpoint and its
event every AIRLOCK_CHECKPOINT_EVERY_EVENTS) against never checkpointing; then the
checkpointed log is verified (chain, checkpoint events and rows, witness) against the floor.

Usage: .venv/bin/python bench/purge.py [--objects 10000] [--events 1000000] [--appends 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import math
import os
import resource
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast

# The repository before bench/ on the path: bench/intake.py would shadow the package.
sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from PIL import Image  # noqa: E402
from sqlalchemy import Engine, func, select, update  # noqa: E402

from airlock.admin import new_tenant  # noqa: E402
from airlock.instance import Instance, init_instance  # noqa: E402
from airlock.retention_jobs import purger  # noqa: E402
from airlock.settings import Settings  # noqa: E402
from audit import SYSTEM, AuditEvent, change_state, verify_chain  # noqa: E402
from audit.chain import canonical_bytes, link_hash  # noqa: E402
from audit.checkpoints import root_at, write_checkpoint  # noqa: E402
from audit.events import DatasetStateChanged, ObjectStored, TenantCreated  # noqa: E402
from catalog import (  # noqa: E402
    AuditEventRecord,
    AuditHead,
    CopyKind,
    DatasetState,
    PurgeRecord,
    StoredCopy,
    get_dataset,
    new_id,
    utcnow,
)
from intake import add_contract, receive_upload, validate_dataset  # noqa: E402
from retention import (  # noqa: E402
    Cause,
    DeletionCertificate,
    PurgeError,
    complete_training,
    start_training,
    stored_public_key,
)
from vault import StoredObject  # noqa: E402

REGION = "us-east-1"
S3_PREFIX = "tenant-data"
DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts
REGISTER_BATCH = 500  # copies registered per transaction during setup
WRITE_THREADS = 4
INSERT_BATCH = 10_000  # audit rows per executemany
INSERT_TRANSACTION = 250_000  # audit rows per transaction
PURPOSE = "benchmark of the retention purge"
RETENTION_DAYS = 30
CONTRACT = (f"name: purge-bench\npurpose: {PURPOSE}\nretention_days: {RETENTION_DAYS}\n"
            "layout: {kind: class_folders, root: data}\n"
            "images: {formats: [png]}\n"
            "volume: {classes: [cat, dog], min_items: 2, min_items_per_class: 1}\n"
            "anonymisation: {images: keep}\n")
# Legal transitions, in lifecycle order, for the synthetic state-change events.
STATES = [DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
          DatasetState.ANONYMISING, DatasetState.READY, DatasetState.TRAINING,
          DatasetState.TRAINED, DatasetState.PURGING, DatasetState.PURGED]

T = TypeVar("T")


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds `work` took, and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def fail(message: str) -> None:
    raise SystemExit(f"FAIL: {message}")


# --- requests -------------------------------------------------------------------------

class RequestCounter:
    """Counts every HTTP request botocore sends (retries too), by service and operation;
    registered on the default session before the instance makes its clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()

    def __call__(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
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


@dataclass(frozen=True)
class Built:
    dataset_id: str
    objects: int
    seconds: float


@dataclass(frozen=True)
class Purged:
    seconds: float
    requests: Counter[tuple[str, str]]
    certificate: DeletionCertificate | None
    versions: int
    """Versions deleted (the purge record's count when the purge failed)."""
    error: str | None = None


def private_client(endpoint_url: str, service: str) -> Any:
    """A client of its own session: its requests are not counted."""
    import boto3

    return boto3.session.Session().client(service, endpoint_url=endpoint_url,
                                          region_name=REGION)


def dummy_aws_environment() -> None:
    """Dummy credentials and no profile: nothing can reach a real account."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    dummy = "testing"
    os.environ.update({"AWS_ACCESS_KEY_ID": dummy, "AWS_SECRET_ACCESS_KEY": dummy,
                       "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": "/dev/null",
                       "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})


def prepare_s3(endpoint_url: str) -> S3Setup:
    s3 = private_client(endpoint_url, "s3")
    bucket = f"airlock-bench-{new_id()[:16]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    key_id = private_client(endpoint_url, "kms").create_key()["KeyMetadata"]["KeyId"]
    return S3Setup(endpoint_url=endpoint_url, bucket=bucket, kms_key_id=key_id)


def versions_left(s3: S3Setup, prefix: str) -> int:
    client = private_client(s3.endpoint_url, "s3")
    left = 0
    for page in client.get_paginator("list_object_versions").paginate(Bucket=s3.bucket,
                                                                      Prefix=prefix):
        left += len(page.get("Versions", [])) + len(page.get("DeleteMarkers", []))
    return left


# --- instances and the dataset --------------------------------------------------------

def make_instance(home: Path, s3: S3Setup | None = None) -> Instance:
    settings = Settings(home=home, validation_workers=1, anonymise_workers=1)
    if s3 is not None:
        settings = settings.model_copy(update={
            "storage": "s3", "s3_bucket": s3.bucket, "s3_prefix": S3_PREFIX,
            "s3_endpoint_url": s3.endpoint_url, "kms_key_id": s3.kms_key_id,
            "kms_endpoint_url": s3.endpoint_url})
    init_instance(settings)
    return Instance(settings)


def small_archive() -> bytes:
    """A class-folders zip of four tiny distinct PNGs, two cats and two dogs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(4):
            image = io.BytesIO()
            Image.new("RGB", (32, 24), (n * 60, 255 - n * 60, 90)).save(image, "PNG")
            archive.writestr(f"data/{('cat', 'dog')[n % 2]}/img{n}.png", image.getvalue())
    return buffer.getvalue()


def build_dataset(instance: Instance, objects: int) -> Built:
    """A trained dataset with `objects` live copies under its vault prefix."""
    started = time.perf_counter()
    transactions = instance.transactions(SYSTEM)
    with instance.transaction(SYSTEM) as tx:
        tenant = new_tenant(tx, f"bench-{new_id()[:8]}")
        contract = add_contract(tx, tenant.id, CONTRACT)[0]
    dataset = receive_upload(transactions, instance.vault, contract,
                             io.BytesIO(small_archive()), 10**9)
    report = validate_dataset(transactions, instance.vault, dataset.id,
                              instance.validation_options())
    if report.outcome != "accepted":
        fail(f"the bench archive was not accepted: {report.problems}")
    with instance.reading() as session:
        have = session.execute(select(func.count()).select_from(StoredCopy).where(
            StoredCopy.dataset_id == dataset.id, StoredCopy.deleted_at.is_(None))).scalar_one()
        key = instance.vault.data_key(session, dataset.id)
    kinds = (CopyKind.TEMP, CopyKind.EXPORT)

    def write(n: int) -> tuple[str, StoredObject]:
        copy_id = new_id()
        body = io.BytesIO(f"object {n} of {dataset.id}\n".encode() + os.urandom(64))
        return copy_id, instance.vault.write(key, dataset.id, copy_id, body)

    remaining = range(objects - have)
    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        for start in range(0, len(remaining), REGISTER_BATCH):
            written = list(pool.map(write, remaining[start:start + REGISTER_BATCH]))
            with instance.transaction(SYSTEM) as tx:
                row = get_dataset(tx.session, dataset.id, for_update=True)
                for n, (copy_id, stored) in enumerate(written):
                    instance.vault.register(tx, row, kinds[n % 2], copy_id, stored)
    now = utcnow()
    with instance.transaction(SYSTEM) as tx:
        row = get_dataset(tx.session, dataset.id, for_update=True)
        change_state(tx, row, DatasetState.ANONYMISING)  # the step itself is not run here
        change_state(tx, row, DatasetState.READY)
        start_training(tx, dataset.id, PURPOSE, now)
    with instance.transaction(SYSTEM) as tx:
        complete_training(tx, dataset.id, now + timedelta(minutes=1))
    with instance.reading() as session:
        live = session.execute(select(func.count()).select_from(StoredCopy).where(
            StoredCopy.dataset_id == dataset.id, StoredCopy.deleted_at.is_(None))).scalar_one()
    if live != objects:
        fail(f"setup registered {live} copies, expected {objects}")
    return Built(dataset.id, live, time.perf_counter() - started)


def run_purge(instance: Instance, built: Built, counter: RequestCounter | None) -> Purged:
    """The real purge, on a clock past the due date; requests counted around it alone. A
    purge that refuses to certify (PurgeError) is reported, not retried."""
    with instance.reading() as session:
        due_at = get_dataset(session, built.dataset_id).purge_due_at
    assert due_at is not None
    ahead = timedelta(days=RETENTION_DAYS + 1)
    job = purger(instance, lambda: utcnow() + ahead)  # builds the signer: not timed
    before = counter.snapshot() if counter else Counter()
    started = time.perf_counter()
    try:
        certificate = job.purge(built.dataset_id, Cause.RETENTION, due_at)
    except PurgeError as exc:
        seconds = time.perf_counter() - started
        requests = counter.snapshot() - before if counter else Counter()
        with instance.reading() as session:
            record = session.get(PurgeRecord, built.dataset_id)
            versions = record.versions if record is not None else 0
        return Purged(seconds, requests, None, versions, str(exc))
    seconds = time.perf_counter() - started
    requests = counter.snapshot() - before if counter else Counter()
    if not certificate.verification.passed:
        fail(f"the certificate's verification did not pass: {certificate.verification}")
    with instance.reading() as session:
        state = get_dataset(session, built.dataset_id).state
    if state is not DatasetState.PURGED:
        fail(f"the dataset is {state.value} after the purge, not purged")
    versions = certificate.sanitisation.versions_deleted
    if versions != built.objects:
        fail(f"{versions} versions deleted, expected {built.objects}")
    return Purged(seconds, requests, certificate, versions)


def bench_purge(objects: int, work: Path) -> list[str]:
    """Both purges and their report; returns what failed (empty when all passed)."""
    import boto3
    from moto.server import ThreadedMotoServer

    dummy_aws_environment()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the server's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = prepare_s3(f"http://{host}:{port}")
        counter = RequestCounter()
        boto3.setup_default_session()
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-send", counter)
        s3_instance = make_instance(work / "s3-home", s3)
        try:
            built = build_dataset(s3_instance, objects)
            purged = run_purge(s3_instance, built, counter)
        finally:
            s3_instance.dispose()
        prefix = f"{S3_PREFIX}/datasets/{built.dataset_id}/"
        left, left_in_bucket = versions_left(s3, prefix), versions_left(s3, "")
    finally:
        server.stop()
    if purged.error is None and (left or left_in_bucket):
        fail(f"certified, but {left} versions are left under {prefix} ({left_in_bucket} in "
             "the bucket)")

    local_instance = make_instance(work / "local-home")
    try:
        local_built = build_dataset(local_instance, objects)
        local = run_purge(local_instance, local_built, None)
        vault_left = [path for path in (local_instance.settings.vault_dir / "datasets" /
                                        local_built.dataset_id).rglob("*") if path.is_file()]
    finally:
        local_instance.dispose()
    if local.error is None and vault_left:
        fail(f"certified, but {len(vault_left)} files are left in the local vault")

    print(f"== retention purge of {built.objects} objects (one dataset) ==")
    print(f"setup (upload, validation, {built.objects - 1} writes + registrations, "
          f"training): S3 {built.seconds:.1f} s, local {local_built.seconds:.1f} s "
          "(not counted)")
    failures = []
    print("S3 (moto on loopback, in this process; versioned bucket, KMS master key):")
    report_s3(built, purged, left)
    if purged.error is not None:
        failures.append(f"S3 purge of {built.objects} objects: {purged.error}; {left} "
                        "versions left")
    local_rate = local_built.objects / local.seconds
    print(f"local backend: objects {local_built.objects}, versions deleted {local.versions}, "
          f"purge {local.seconds:.2f} s = {local_rate:.0f} objects/s"
          + (f" -- FAILED: {local.error}, {len(vault_left)} files left" if local.error
             else ""))
    if local.error is not None:
        failures.append(f"local purge of {local_built.objects} objects: {local.error}")
    if not failures:
        s3_rate = built.objects / purged.seconds
        total = sum(n for (service, _), n in purged.requests.items() if service == "s3")
        floor = max(1, math.ceil(purged.versions / DELETE_BATCH))
        print(f"ratio S3 objects/s / local objects/s: {s3_rate / local_rate:.2f}")
        print(f"SUMMARY purge: {s3_rate:.0f} objects/s on S3 with {total} requests = "
              f"{total / floor:.1f}x the DeleteObjects floor; {local_rate:.0f} objects/s local")
    else:
        print(f"SUMMARY purge FAIL: {'; '.join(failures)}")
    return failures


def report_s3(built: Built, purged: Purged, left: int) -> None:
    s3_requests = {op: n for (service, op), n in purged.requests.items() if service == "s3"}
    other = {f"{service}:{op}": n for (service, op), n in purged.requests.items()
             if service != "s3"}
    total = sum(s3_requests.values())
    floor = max(1, math.ceil(built.objects / DELETE_BATCH))
    certificate = purged.certificate
    if certificate is None:
        print(f"  FAILED: {purged.error}")
        print(f"  objects {built.objects}, versions deleted {purged.versions}, versions still "
              f"listed under the prefix {left}; no certificate")
    else:
        verification = certificate.verification
        print(f"  objects {built.objects}, versions deleted {purged.versions}, leftovers "
              f"{certificate.sanitisation.leftovers_deleted}, verification passed "
              f"{verification.passed} ({verification.reads_failed}/"
              f"{verification.reads_attempted} reads failed as they must), versions left {left}")
    print(f"  purge {purged.seconds:.2f} s = {built.objects / purged.seconds:.0f} objects/s"
          + (" (not finished)" if certificate is None else ""))
    print(f"  S3 requests {total}; floor ceil({built.objects}/{DELETE_BATCH}) = {floor} "
          f"DeleteObjects; ratio requests/floor {total / floor:.1f}")
    for op, n in sorted(s3_requests.items(), key=lambda item: -item[1]):
        print(f"    {op:<20} {n:>7}")
    print(f"  other AWS requests: {', '.join(f'{k} {v}' for k, v in sorted(other.items()))}"
          if other else "  other AWS requests: none")


# --- audit ----------------------------------------------------------------------------

def synthetic_events(count: int, tenant_id: str) -> Iterator[AuditEvent]:
    """Alternately a dataset's next lifecycle step and an object stored, over 1,000
    datasets; every event is a registered class, validated by pydantic."""
    datasets = [new_id() for _ in range(1000)]
    steps = Counter[str]()
    for n in range(count):
        dataset = datasets[(n // 2) % len(datasets)]
        if n % 2 == 0:
            step = steps[dataset] % (len(STATES) - 1)
            steps[dataset] += 1
            yield DatasetStateChanged(tenant=tenant_id, dataset=dataset,
                                      from_state=STATES[step].value,
                                      to_state=STATES[step + 1].value)
        else:
            yield ObjectStored(tenant=tenant_id, dataset=dataset, copy_id=new_id(),
                               kind=CopyKind.TEMP.value, backend="local", size=64 + n % 4096,
                               sha256=hashlib.sha256(n.to_bytes(8, "big")).hexdigest())


def fill_audit_log(engine: Engine, events: int, tenant_id: str) -> int:
    """Append events until the log holds `events`; returns how many were inserted."""
    table = AuditEventRecord.__table__
    with engine.begin() as connection:
        head = connection.execute(select(AuditHead.seq, AuditHead.hash)
                                  .where(AuditHead.id == 1)).one()
    seq, prev_hash = head.seq, head.hash
    wanted = events - seq
    if wanted <= 0:
        return 0
    at = datetime.now(UTC)
    generated = synthetic_events(wanted, tenant_id)
    inserted = 0
    while inserted < wanted:
        with engine.begin() as connection:
            in_transaction = 0
            while in_transaction < INSERT_TRANSACTION and inserted < wanted:
                batch = []
                for event in generated:
                    seq += 1
                    row = {"seq": seq, "at": at + timedelta(microseconds=seq * 997),
                           "actor": SYSTEM.id, "role": SYSTEM.role,
                           "tenant_id": event.tenant_id() or SYSTEM.tenant_id,
                           "action": event.action, "dataset_id": event.dataset_id(),
                           "object_ids": event.object_ids(), "outcome": "success",
                           "details": event.details(), "prev_hash": prev_hash}
                    # link_hash reads the record's attributes: a namespace has the same.
                    record = cast(AuditEventRecord, SimpleNamespace(**row))
                    row["hash"] = prev_hash = link_hash(record)
                    batch.append(row)
                    if len(batch) == INSERT_BATCH:
                        break
                connection.execute(table.insert(), batch)
                inserted += len(batch)
                in_transaction += len(batch)
            connection.execute(update(AuditHead).where(AuditHead.id == 1)
                               .values(seq=seq, hash=prev_hash))
    return inserted


def floor_pass(engine: Engine) -> tuple[float, int]:
    """Read every event once (Core rows, no ORM objects) and SHA-256 its canonical bytes."""
    table = AuditEventRecord.__table__

    def work() -> int:
        count = 0
        with engine.connect() as connection:
            rows = connection.execution_options(yield_per=5000).execute(
                select(table).order_by(table.c.seq))
            for row in rows:
                hashlib.sha256(canonical_bytes(cast(AuditEventRecord, row))).digest()
                count += 1
        return count

    return timed(work)


def read_pass(engine: Engine) -> float:
    """Reading alone, for the breakdown of the floor."""
    table = AuditEventRecord.__table__

    def work() -> None:
        with engine.connect() as connection:
            for _ in connection.execution_options(yield_per=5000).execute(
                    select(table).order_by(table.c.seq)):
                pass

    return timed(work)[0]


def bundle_floor_pass(events_file: Path) -> tuple[float, int]:
    """Read the bundle's events.jsonl once, parse each line and SHA-256 its canonical
    bytes: the floor of any offline check of the file."""

    def work() -> int:
        count = 0
        with events_file.open("rb") as lines:
            for line in lines:
                body = json.loads(line)
                del body["hash"]
                hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                          ensure_ascii=False, allow_nan=False).encode()
                               ).digest()
                count += 1
        return count

    return timed(work)


@dataclass(frozen=True)
class BundleTimes:
    export_s: float
    verify_s: float
    floor_s: float
    intact: bool
    events_checked: int
    megabytes: float


def bench_bundle(instance: Instance, target: Path) -> BundleTimes | None:
    """Export the whole log as `airlock audit export` does, then the offline verifier;
    None when there is no export yet."""
    try:
        from audit.export import ExportFilter, export_bundle
    except ImportError:
        return None
    from audit.bundle_verifier import verify_bundle

    signer = instance.signer
    with instance.reading() as session:
        export_s, _ = timed(lambda: export_bundle(session, target, signer.public_pem,
                                                  signer.key_id, ExportFilter(), utcnow()))
    megabytes = sum(path.stat().st_size for path in target.iterdir()) / 1e6
    verify_s, result = timed(lambda: verify_bundle(target, signer.key_id))
    floor_s, _ = bundle_floor_pass(target / "events.jsonl")
    return BundleTimes(export_s, verify_s, floor_s, result.intact, result.events_checked,
                       megabytes)


def bench_audit(events: int, work: Path) -> None:
    instance = make_instance(work / "audit-home")
    try:
        with instance.transaction(SYSTEM) as tx:
            tenant = new_tenant(tx, "audit-bench")
        setup_s, inserted = timed(lambda: fill_audit_log(instance.engine, events, tenant.id))
        with instance.reading() as session:
            total = session.execute(select(AuditHead.seq)).scalar_one()
        if total != events:
            fail(f"the log holds {total} events, expected {events}")
        signer = instance.signer

        def checkpoint() -> int:
            with instance.transaction(SYSTEM) as tx:
                return write_checkpoint(tx, signer, utcnow()).tree_size

        checkpoint_s, signed = timed(checkpoint)

        floor_before, hashed = floor_pass(instance.read_engine)
        read_s = read_pass(instance.read_engine)
        with instance.reading() as session:
            public_key = stored_public_key(session)
            verify_s, verified = timed(lambda: verify_chain(session, public_key))
        with instance.reading() as session:
            root_s, root = timed(lambda: root_at(session, events))
        floor_after, _ = floor_pass(instance.read_engine)
        bundle = bench_bundle(instance, work / "bundle")
    finally:
        instance.dispose()
    if hashed != events + 1:  # + the checkpoint's own event
        fail(f"the floor pass read {hashed} events, expected {events}")
    # The checkpoint is also an event of the chain, after the events it signs.
    if not verified.intact or verified.events_checked != events + 1 or signed != events:
        fail(f"verify_chain: {verified} (checkpoint at {signed})")
    if bundle is not None and (not bundle.intact or bundle.events_checked != events + 1):
        fail(f"the offline verifier found the bundle not intact or short: {bundle}")
    floor = min(floor_before, floor_after)

    def line(name: str, seconds: float, base: float = floor) -> str:
        return (f"  {name:<42} {seconds:8.2f} s {events / seconds:9.0f} events/s "
                f"{seconds / base:6.2f}x floor")

    print(f"== audit verification of {events} events (SQLite) ==")
    print(f"setup: {inserted} events built, chained and bulk-inserted in {setup_s:.1f} s; "
          f"first signed checkpoint over all of them {checkpoint_s:.1f} s (not counted)")
    print(f"floor: read every row (Core, no ORM) + SHA-256 of its canonical bytes: "
          f"{floor:.2f} s = {events / floor:.0f} events/s")
    print(f"       (passes: {floor_before:.2f} s before, {floor_after:.2f} s after; "
          f"reading alone {read_s:.2f} s)")
    print(line("(a) verify_chain (+ checkpoint, signature)", verify_s))
    print(line("(b) root_at (Merkle root of all events)", root_s))
    print(f"      chain intact {verified.intact}, {verified.events_checked} events, "
          f"{verified.checkpoints_checked} checkpoint; root {root.hex()[:16]}...")
    if bundle is None:
        print("  (c) offline bundle verifier: skipped, no `audit export` yet (no audit/export.py)")
        summary_c = ""
    else:
        print(f"  export of the whole log (audit.export.export_bundle): {bundle.export_s:.2f} s "
              f"({bundle.megabytes:.0f} MB bundle; not a verification)")
        print(line("(c) offline verifier (verify_bundle)", bundle.verify_s))
        print(f"      bundle intact {bundle.intact}, {bundle.events_checked} events; against "
              f"the file floor (read events.jsonl, parse, SHA-256 canonical bytes: "
              f"{bundle.floor_s:.2f} s) {bundle.verify_s / bundle.floor_s:.2f}x")
        summary_c = (f", offline verifier {bundle.verify_s / floor:.2f}x "
                     f"({bundle.verify_s / bundle.floor_s:.2f}x its file floor)")
    print(f"SUMMARY audit: verify_chain {verify_s / floor:.2f}x and root_at "
          f"{root_s / floor:.2f}x the read+SHA-256 floor{summary_c}; "
          f"{events / verify_s:.0f} events/s verified")


def append_events(instance: Instance, count: int) -> float:
    """`count` events, each in its own unit of work as the services write them."""

    def work() -> None:
        for n in range(count):
            with instance.transaction(SYSTEM) as tx:
                tx.record(TenantCreated(tenant=f"a{n}"))

    return timed(work)[0]


def bench_appends(count: int, work: Path) -> None:
    """Appends with the default checkpoint bound (one signed checkpoint, and its event, per
    AIRLOCK_CHECKPOINT_EVERY_EVENTS) against appends that never checkpoint, then verifying
    the checkpointed log (one checkpoint per 1,000 events) against the floor."""
    every: int = Settings.model_fields["checkpoint_every_events"].default
    timings: dict[str, float] = {}
    checkpointed = None
    for name, bound in (("never", 10**6), ("default", every)):
        settings = Settings(home=work / f"appends-{name}", validation_workers=1,
                            anonymise_workers=1, checkpoint_every_events=bound,
                            checkpoint_every_seconds=86_400)
        init_instance(settings)
        checkpointed = Instance(settings)
        timings[name] = append_events(checkpointed, count)
        if name == "never":
            checkpointed.dispose()
    assert checkpointed is not None
    try:
        floor, _ = floor_pass(checkpointed.read_engine)
        verify_s, verified = timed(checkpointed.verify_audit)
    finally:
        checkpointed.dispose()
    if not verified.intact:
        fail(f"the appended log does not verify: {verified.problem}")
    ratio = timings["default"] / timings["never"]
    print(f"== {count} appends, one transaction each (SQLite) ==")
    print(f"  without checkpoints {timings['never']:.2f} s = {count / timings['never']:.0f}/s; "
          f"with one every {every} events {timings['default']:.2f} s = "
          f"{count / timings['default']:.0f}/s ({ratio:.3f}x)")
    print(f"  verify (chain, {verified.checkpoints_checked} checkpoints and their events, "
          f"witness): {verify_s:.2f} s, {verify_s / floor:.2f}x the read+SHA-256 floor")
    print(f"SUMMARY appends: checkpoints cost {ratio:.3f}x; verification with a checkpoint "
          f"per {every} events {verify_s / floor:.2f}x floor")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000, help="objects in the dataset")
    parser.add_argument("--events", type=int, default=1_000_000, help="audit events")
    parser.add_argument("--appends", type=int, default=20_000,
                        help="audit events appended one transaction each")
    parser.add_argument("--dir", type=Path, default=None, help="where the instances go")
    args = parser.parse_args()
    if args.objects < 2 or args.events < 10:
        parser.error("--objects must be >= 2 and --events >= 10")
    for name in [name for name in os.environ if name.startswith("AIRLOCK_")]:
        del os.environ[name]
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} at start (shared: ratios, "
          f"not absolute times)")
    started = time.perf_counter()
    # The audit part first: its peak memory is read before the purge part's moto server,
    # which holds the bucket in this process, raises the high-water mark.
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="airlock-bench-") as directory:
        bench_audit(args.events, Path(directory))
        bench_appends(args.appends, Path(directory))
        audit_peak = peak_rss_mb()
        print(f"peak RSS after the audit part: {audit_peak:.0f} MB")
        failures = bench_purge(args.objects, Path(directory))
    print(f"total {time.perf_counter() - started:.0f} s; peak RSS {peak_rss_mb():.0f} MB "
          f"(audit part {audit_peak:.0f} MB; the rest is the purge part, mostly the "
          f"in-process moto server); load average at end "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failures:
        raise SystemExit(f"FAIL: {'; '.join(failures)}")


if __name__ == "__main__":
    main()
