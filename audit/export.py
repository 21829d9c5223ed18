"""The audit bundle: events, signed checkpoints, proofs and the public key, in the format
the light client's `airlock_client/bundle_verifier.py` checks offline (`airlock-client audit
verify`; its docstring is the format's reference).

A bundle of the whole log lets the verifier recompute every hash and every checkpoint's
root; a filtered one (a dataset, a period) carries, for each event, its inclusion proof
against the latest checkpoint, so it proves each event is in the signed log without
revealing the rest.

Every bundle also carries the latest checkpoint of the previous export and a consistency
proof from it to its own latest (RFC 6962, as Certificate Transparency monitors check a
log), so the offline verifier shows the log only grew since the earlier bundle."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from airlock_client.bundle_verifier import FORMAT, RETIRED_KEYS, leaf_hash
from audit.chain import canonical_body, canonical_bytes, format_time
from audit.checkpoints import origin_of
from audit.events import AuditExported
from audit.merkle import MerkleTree
from catalog import AuditCheckpoint, AuditEventRecord

_BATCH = 2000


class ExportFilter(BaseModel):
    since: datetime | None = None
    dataset_id: str | None = None

    @property
    def complete(self) -> bool:
        return self.since is None and self.dataset_id is None


class ExportSummary(BaseModel):
    path: str
    events: int
    checkpoints: int
    complete: bool
    signed_tree_size: int
    signed_root: str
    previous_tree_size: int | None = None
    """The latest checkpoint of the last export, which this bundle proves it extends."""


class ExportError(ValueError):
    """The bundle cannot be written (target not empty, nothing signed yet)."""


class PreviousExport(BaseModel):
    """The latest checkpoint of the last bundle exported: the next one proves it extends it."""

    tree_size: int
    root_hash: str


def previous_export(session: Session) -> PreviousExport | None:
    """From the latest `audit.exported` event (the chain vouches for it)."""
    details = session.execute(
        select(AuditEventRecord.details).where(AuditEventRecord.action == AuditExported.action)
        .order_by(AuditEventRecord.seq.desc()).limit(1)).scalar_one_or_none()
    return None if details is None else PreviousExport.model_validate(
        {"tree_size": details["tree_size"], "root_hash": details["root_hash"]})


def export_bundle(session: Session, target: Path, public_key_pem: str, key_id: str,
                  flt: ExportFilter, now: datetime,
                  retired: Mapping[str, str] | None = None) -> ExportSummary:
    """Write the bundle; the caller records `AuditExported` for the latest checkpoint.
    `retired` (key id -> PEM) holds the keys the instance signed with before a signing key
    rotation; those that sign a checkpoint here go into `retired_keys.jsonl`."""
    checkpoints = list(session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size)).scalars())
    if not checkpoints:
        raise ExportError("the audit log has no signed checkpoint yet")
    _prepare(target)
    signed = checkpoints[-1].tree_size
    previous = previous_export(session)
    tree = MerkleTree([leaf_hash(canonical_bytes(r)) for r in _events(session, signed)])
    events = _write_events(session, target / "events.jsonl", flt, signed)
    _write_lines(target / "checkpoints.jsonl", (
        {"tree_size": c.tree_size, "root_hash": c.root_hash, "at": format_time(c.at),
         "key_id": c.key_id, "signature": c.signature} for c in checkpoints))
    consistency = [{"old_size": a.tree_size, "new_size": b.tree_size,
                    "proof": [h.hex() for h in tree.consistency_proof(a.tree_size, b.tree_size)]}
                   for a, b in pairwise(checkpoints)]
    inclusion = {} if flt.complete else {
        str(seq): [h.hex() for h in tree.inclusion_proof(seq - 1, signed)] for seq in events}
    earlier = None if previous is None else {
        "old_size": previous.tree_size, "new_size": signed,
        "proof": [h.hex() for h in tree.consistency_proof(previous.tree_size, signed)]}
    (target / "proofs.json").write_text(json.dumps(
        {"consistency": consistency, "inclusion": inclusion, "previous": earlier}),
        encoding="utf-8")
    (target / "public_key.pem").write_text(public_key_pem, encoding="utf-8")
    signers = {c.key_id for c in checkpoints} - {key_id}
    if signers:
        _write_lines(target / RETIRED_KEYS, (
            {"key_id": old, "origin": origin_of(old), "public_key": (retired or {})[old]}
            for old in sorted(signers)))
    (target / "manifest.json").write_text(json.dumps({
        "format": FORMAT, "origin": origin_of(key_id), "created_at": format_time(now),
        "complete": flt.complete, "filters": flt.model_dump(mode="json"),
        "events": len(events), "previous": previous and previous.model_dump()}, indent=2),
        encoding="utf-8")
    return ExportSummary(path=str(target), events=len(events), checkpoints=len(checkpoints),
                         complete=flt.complete, signed_tree_size=signed,
                         signed_root=checkpoints[-1].root_hash,
                         previous_tree_size=previous.tree_size if previous else None)


def _prepare(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} exists and is not an empty folder")
    target.mkdir(mode=0o700, parents=True, exist_ok=True)


def _events(session: Session, until: int | None = None,
            flt: ExportFilter | None = None) -> Iterator[AuditEventRecord]:
    stmt = select(AuditEventRecord).order_by(AuditEventRecord.seq)
    if until is not None:
        stmt = stmt.where(AuditEventRecord.seq <= until)
    if flt is not None and flt.dataset_id is not None:
        stmt = stmt.where(AuditEventRecord.dataset_id == flt.dataset_id)
    if flt is not None and flt.since is not None:
        stmt = stmt.where(AuditEventRecord.at >= flt.since)
    return iter(session.execute(stmt.execution_options(yield_per=_BATCH)).scalars())


def _write_events(session: Session, path: Path, flt: ExportFilter, signed: int) -> list[int]:
    """The events, streamed; a filtered bundle stops at the latest checkpoint (later events
    have no proof yet). Returns the seqs written."""
    seqs: list[int] = []
    records = _events(session, None if flt.complete else signed, flt)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            line: dict[str, Any] = {**canonical_body(record), "hash": record.hash}
            out.write(json.dumps(line, ensure_ascii=False, allow_nan=False) + "\n")
            seqs.append(record.seq)
    return seqs


def _write_lines(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
