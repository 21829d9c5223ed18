"""`audit events|export|verify`: read the instance's audit trail (the filters of
`GET /v1/audit/events`, paged by seq), download it as CSV or as a verifiable bundle
(streamed), and verify a bundle offline with `airlock_client.bundle_verifier`."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from airlock_client.bundle_verifier import BUNDLE_FILES, BundleError, describe, verify_bundle
from airlock_client.errors import UsageError
from airlock_client.files import write_atomically
from airlock_client.session import Session, output_options

PAGE = 1000
"""The most events `GET /v1/audit/events` answers at once."""
EVENT_COLUMNS = ("seq", "at", "actor", "role", "tenant_id", "action", "dataset_id", "outcome")
BUNDLE_FOLDER = "audit-bundle"
"""The folder inside the zip `GET /v1/audit/bundle` answers with."""
READ_CHUNK = 1 << 16
_KEY_ID = re.compile(r"[0-9a-fA-F]{16}")


def _moment(value: str | None) -> str | None:
    """ISO 8601; UTC when no zone is given (as `airlock audit events` reads it)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{value!r} is not an ISO 8601 time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).isoformat()


def _filters(tenant: str | None, dataset: str | None, action: str | None, by: str | None,
             outcome: str | None, since: str | None, until: str | None) -> dict[str, Any]:
    return {"tenant": tenant, "dataset": dataset, "action": action, "by": by,
            "outcome": outcome, "since": _moment(since), "until": _moment(until)}


def _filter_options(command: Any) -> Any:
    for option in reversed([
        click.option("--tenant", help="Tenant id."),
        click.option("--dataset", help="Dataset id."),
        click.option("--action", help="e.g. token.created"),
        click.option("--by", help="Actor id."),
        click.option("--outcome", type=click.Choice(["success", "denied", "failure"])),
        click.option("--since", help="Events from this time (ISO 8601, UTC if no zone)."),
        click.option("--until", help="Events before this time (ISO 8601, UTC if no zone)."),
    ]):
        command = option(command)
    return command


def pages(session: Session, filters: dict[str, Any], after: int,
          limit: int | None) -> Iterator[dict[str, Any]]:
    """Every event the filters select, in seq order, a page at a time (the cursor is the
    last seq received)."""
    left = limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        batch = session.api().get("/v1/audit/events",
                                  params={**filters, "after": after, "limit": size})
        if not isinstance(batch, list):
            raise UsageError("the instance answered the events query with no list")
        yield from batch
        if len(batch) < size:
            return
        after = int(batch[-1]["seq"])
        left = None if left is None else left - len(batch)


def _row(event: dict[str, Any]) -> str:
    return "  ".join("-" if event.get(name) is None else str(event[name])
                     for name in EVENT_COLUMNS)


@click.group()
def audit() -> None:
    """Read, export and verify the audit trail."""


@audit.command("events")
@_filter_options
@click.option("--after", type=click.IntRange(min=0), default=0,
              help="Only events after this seq.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many (default: all).")
@output_options
def events(session: Session, tenant: str | None, dataset: str | None, action: str | None,
           by: str | None, outcome: str | None, since: str | None, until: str | None,
           after: int, limit: int | None) -> None:
    """List audit events in sequence order (--json: one JSON document per line)."""
    filters = _filters(tenant, dataset, action, by, outcome, since, until)
    out = session.output
    if not out.quiet and not out.as_json:
        click.echo("  ".join(EVENT_COLUMNS))
    for event in pages(session, filters, after, limit):
        if out.as_json:
            click.echo(json.dumps(event, ensure_ascii=False, sort_keys=True))
        elif not out.quiet:
            click.echo(_row(event))


@audit.command("export")
@click.option("--csv", "kind", flag_value="csv", help="Every selected event as CSV.")
@click.option("--bundle", "kind", flag_value="bundle", default=True,
              help="A verifiable bundle (events, signed checkpoints, proofs, public key) "
                   "written as a folder; the default.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The CSV file, or a new (or empty) folder for the bundle.")
@_filter_options
@output_options
def export(session: Session, kind: str, output: Path, tenant: str | None,
           dataset: str | None, action: str | None, by: str | None, outcome: str | None,
           since: str | None, until: str | None) -> None:
    """Download the audit trail, streamed. A bundle takes --dataset and --since only, and
    `airlock-client audit verify FOLDER` checks it offline."""
    filters = _filters(tenant, dataset, action, by, outcome, since, until)
    if kind == "csv":
        written = _download(session, "/v1/audit/events.csv", filters, output)
        session.output.result({"file": str(output), "bytes": written},
                              f"wrote {written} bytes of CSV to {output}")
        return
    unused = [name for name in ("tenant", "action", "by", "outcome", "until") if filters[name]]
    if unused:
        raise UsageError(f"a bundle is filtered by --dataset and --since only, not "
                         f"--{', --'.join(unused)}")
    _export_bundle(session, {"dataset": dataset, "since": filters["since"]}, output)
    session.output.result(
        {"folder": str(output)},
        f"wrote the audit bundle to {output}; check it with `airlock-client audit verify "
        f"{output}`")


def _download(session: Session, path: str, params: dict[str, Any], target: Path) -> int:
    """Stream an answer into `target`, never holding it whole."""
    with session.api().download(path, params) as response:
        return write_atomically(target, response.iter_bytes(READ_CHUNK))


def _export_bundle(session: Session, params: dict[str, Any], target: Path) -> None:
    """The zip is downloaded beside the folder, unpacked into it, and removed."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} must be a new or empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".audit-bundle-", dir=target.parent))
    try:
        archive = work / "bundle.zip"
        _download(session, "/v1/audit/bundle", params, archive)
        unpacked = work / BUNDLE_FOLDER
        _unpack(archive, unpacked)
        if target.exists():
            target.rmdir()
        unpacked.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpack(archive: Path, folder: Path) -> None:
    """Only the bundle's own files, each a regular file in `audit-bundle/`: a zip naming
    anything else is refused rather than written where it says."""
    allowed = {f"{BUNDLE_FOLDER}/{name}": name for name in BUNDLE_FILES}
    folder.mkdir()
    try:
        with zipfile.ZipFile(archive) as bundle:
            for entry in bundle.infolist():
                name = allowed.get(entry.filename)
                if name is None or entry.is_dir():
                    raise UsageError("the instance's bundle holds an unexpected entry")
                with bundle.open(entry) as source, (folder / name).open("xb") as sink:
                    shutil.copyfileobj(source, sink, READ_CHUNK)
    except (zipfile.BadZipFile, FileExistsError):
        raise UsageError("the instance's bundle is not a valid zip file") from None


@audit.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--key-id", help="The instance's published key id, to refuse any other key.")
@click.option("--previous", type=click.Path(path_type=Path), metavar="EARLIER",
              help="An earlier bundle of this instance: the log must extend it.")
@output_options
def verify(session: Session, bundle: Path, key_id: str | None,
           previous: Path | None) -> None:
    """Verify an exported bundle offline. Exit 0 intact, 1 tampered, 2 unusable."""
    if key_id is not None and not _KEY_ID.fullmatch(key_id):
        raise UsageError("a key id is 16 hex digits")
    try:
        result = verify_bundle(bundle, key_id, previous)
    except BundleError as exc:
        raise UsageError(f"cannot verify {bundle}: {exc}") from None
    if result.intact or session.output.as_json:
        session.output.result(asdict(result), lambda: describe(result))
    else:
        click.echo(describe(result), err=True)
    if not result.intact:
        raise click.exceptions.Exit(1)
