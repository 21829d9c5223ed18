"""Audit log verification: a large log verified, against its floor measured in the same run.

Verification (--items events, default 1,000,000): a SQLite instance whose log holds that
many genuine events (alternating `dataset.state_changed` and `vault.object_stored`, built
from the registered event classes, hashed and chained exactly as `audit.chain` does,
bulk-inserted with executemany in a few transactions) and one signed checkpoint over them.
Timed: `verify_chain` (links, hashes, Merkle root against the checkpoint, its signature),
`root_at` (the Merkle root over all events), and the offline verifier
(`airlock_client/bundle_verifier.py`'s `verify_bundle`) over the whole log exported as
`airlock audit export` does. The floor is reading the same rows (SQLAlchemy Core, no ORM)
and SHA-256 of their canonical bytes once, run before and after the verifications (the
faster counts); the offline verifier is also compared with its own floor, reading,
parsing and hashing the exported events.jsonl once.

Appends (--appends, default 20,000): events appended one unit of work each through
`Instance.transaction`, with the default checkpoint bound (a signed checkpoint and its
event every AIRLOCK_CHECKPOINT_EVERY_EVENTS) against never checkpointing; then the
checkpointed log is verified (chain, checkpoint events and rows, witness) against the floor.

Usage: .venv/bin/python bench/audit_log.py [--items 1000000] [--appends 20000]
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from bench_instance import bench_instance
from measure import Result, Row, figure, parser, peak_rss_mb, report, timed, workspace
from sqlalchemy import Engine, insert, select, update
from synthetic import contract

from airlock.instance import Instance, init_instance
from airlock.settings import Settings
from airlock_client.bundle_verifier import verify_bundle
from audit import SYSTEM, AuditEvent, verify_chain
from audit.chain import canonical_bytes, link_hash
from audit.checkpoints import root_at, write_checkpoint
from audit.events import DatasetStateChanged, ObjectStored, TenantCreated
from audit.export import ExportFilter, export_bundle
from catalog import AuditEventRecord, AuditHead, CopyKind, DatasetState, new_id, utcnow
from retention.signing import signing_keys

INSERT_BATCH = 10_000  # audit rows per executemany
INSERT_TRANSACTION = 250_000  # audit rows per transaction
# Legal transitions, in lifecycle order, for the synthetic state-change events.
STATES = [DatasetState.RECEIVED, DatasetState.VALIDATING, DatasetState.VALIDATED,
          DatasetState.ANONYMISING, DatasetState.READY, DatasetState.TRAINING,
          DatasetState.TRAINED, DatasetState.PURGING, DatasetState.PURGED]


def fail(message: str) -> None:
    raise SystemExit(f"FAIL: {message}")


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
                connection.execute(insert(AuditEventRecord), batch)
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


def bench_bundle(instance: Instance, target: Path) -> BundleTimes:
    """Export the whole log as `airlock audit export` does, then the offline verifier."""

    signer = instance.signer
    with instance.reading() as session:
        export_s, _ = timed(lambda: export_bundle(session, target, signer.public_pem,
                                                  signer.key_id, ExportFilter(), utcnow()))
    megabytes = sum(path.stat().st_size for path in target.iterdir()) / 1e6
    verify_s, result = timed(lambda: verify_bundle(target, signer.key_id))
    floor_s, _ = bundle_floor_pass(target / "events.jsonl")
    return BundleTimes(export_s, verify_s, floor_s, result.intact, result.events_checked,
                       megabytes)


def bench_audit(events: int, work: Path) -> Result:
    with bench_instance(work / "audit-home", contract()) as bench:
        instance = bench.instance
        setup_s, inserted = timed(lambda: fill_audit_log(instance.engine, events,
                                                         bench.contract.tenant_id))
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
        with instance.reading() as session:
            keys = signing_keys(session)
            verify_s, verified = timed(lambda: verify_chain(session, keys))
        with instance.reading() as session:
            root_s, _ = timed(lambda: root_at(session, total))
        floor_after, _ = floor_pass(instance.read_engine)
        bundle = bench_bundle(instance, work / "bundle")
    # The checkpoint is also an event of the chain, after the events it signs.
    if hashed != total + 1:
        fail(f"the floor pass read {hashed} events, expected {total + 1}")
    if not verified.intact or verified.events_checked != total + 1 or signed != total:
        fail(f"verify_chain: {verified} (checkpoint at {signed})")
    if not bundle.intact or bundle.events_checked != total + 1:
        fail(f"the offline verifier found the bundle not intact or short: {bundle}")
    floor = min(floor_before, floor_after)
    size = bundle.megabytes
    return Result(
        name="audit_log", title="Audit log verification (SQLite)",
        size=f"{total} events and one signed checkpoint ({figure(size)} MB exported)",
        rows=[Row("airlock: verify_chain (links, Merkle root, signature)", verify_s, total,
                  size),
              Row("floor: read every row (Core) + SHA-256 of its canonical bytes", floor,
                  total, size)],
        ratios={"root_at (Merkle root of all events) against the floor": floor / root_s,
                "offline verifier (verify_bundle) on the export against the floor":
                    floor / bundle.verify_s,
                "offline verifier against its file floor (read, parse, SHA-256 "
                "events.jsonl)": bundle.floor_s / bundle.verify_s},
        peak_rss_mb=peak_rss_mb(),
        notes=[f"setup (not timed): {inserted} events built, chained and inserted in "
               f"{setup_s:.1f} s; the first checkpoint over all of them {checkpoint_s:.1f} s; "
               f"the export {bundle.export_s:.1f} s.",
               f"items/s here: events per second; root_at {figure(total / root_s)}, "
               f"the offline verifier {figure(total / bundle.verify_s)}."])


def append_events(instance: Instance, count: int) -> float:
    """`count` events, each in its own unit of work as the services write them."""

    def work() -> None:
        for n in range(count):
            with instance.transaction(SYSTEM) as tx:
                tx.record(TenantCreated(tenant=f"a{n}"))

    return timed(work)[0]


def bench_appends(count: int, work: Path) -> Result:
    """Appends with the default checkpoint bound (one signed checkpoint, and its event, per
    AIRLOCK_CHECKPOINT_EVERY_EVENTS) against appends that never checkpoint, then verifying
    the checkpointed log (one checkpoint per 1,000 events) against the floor."""
    every: int = Settings.model_fields["checkpoint_every_events"].default
    timings: dict[str, float] = {}
    for name, bound in (("never", 10**6), ("default", every)):
        settings = Settings(home=work / f"appends-{name}", checkpoint_every_events=bound,
                            checkpoint_every_seconds=86_400)
        init_instance(settings)
        instance = Instance(settings)
        try:
            timings[name] = append_events(instance, count)
            if name == "default":
                floor, _ = floor_pass(instance.read_engine)
                verify_s, verified = timed(instance.verify_audit)
        finally:
            instance.dispose()
    if not verified.intact:
        fail(f"the appended log does not verify: {verified.problem}")
    return Result(
        name="audit_appends", title="Audit appends, one unit of work each (SQLite)",
        size=f"{count} events, a signed checkpoint every {every}",
        rows=[Row("airlock: appends with checkpoints (the default bound)",
                  timings["default"], count, 0.0),
              Row("floor: appends that never checkpoint", timings["never"], count, 0.0)],
        ratios={f"verification (chain, {verified.checkpoints_checked} checkpoints, witness) "
                "against the read + SHA-256 floor": floor / verify_s},
        notes=["items/s here: events appended per second."])


def main() -> None:
    options = parser(__doc__, items=1_000_000)
    options.add_argument("--appends", type=int, default=20_000,
                         help="audit events appended one transaction each")
    args = options.parse_args()
    if args.items < 10 or args.appends < 1:
        options.error("--items must be >= 10 and --appends >= 1")
    with workspace(args.dir) as work:
        report(bench_audit(args.items, work), args.results)
        report(bench_appends(args.appends, work), args.results)


if __name__ == "__main__":
    main()
