"""`upload`: deliver a folder or an archive through the resumable upload API, then follow
the server's steps until the dataset is accepted (exit 0) or rejected (exit 1)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from airlock_client import planning, views
from airlock_client.api import Api
from airlock_client.commands.datasets import outcome_exit
from airlock_client.commands.preflight import render_report
from airlock_client.errors import ApiError, ExitCode, UsageError
from airlock_client.ids import path_segment
from airlock_client.output import Output
from airlock_client.pack import open_source
from airlock_client.preflight import run_preflight
from airlock_client.session import Session, output_options
from airlock_client.transfer import Outcome, Transfer, source_digests
from airlock_client.waiting import MAX_TIMEOUT_SECONDS, follow

MAX_PARALLEL = 32
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
SIZE = re.compile(r"^\s*(\d{1,12})\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`33554432`, `32M`, `32MiB`, `1G` as bytes (units are powers of 1024)."""
    found = SIZE.match(text)
    if found is None:
        raise UsageError(f"{text!r} is not a size (e.g. 32MiB)")
    return int(found.group(1)) * UNITS[found.group(2).lower()]


def _part_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        size = parse_size(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None
    if not planning.MIN_PART_SIZE <= size <= planning.MAX_PART_SIZE:
        raise click.BadParameter("a part is 1MiB to 1GiB")
    return size


@click.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--contract", required=True, metavar="REF",
              help="The contract: id, name or name@version.")
@click.option("--parallel", type=click.IntRange(1, MAX_PARALLEL), default=4,
              show_default=True,
              help="Parts sent at once. Memory holds at most PARALLEL x part size bytes of "
                   "the archive (4 x 32 MiB = 128 MiB by default).")
@click.option("--part-size", metavar="SIZE", callback=_part_size,
              help="Bytes per part, 1MiB to 1GiB (default 32 MiB, raised when the archive "
                   "would need over 10,000 parts). A resumed upload keeps the part size it "
                   "began with.")
@click.option("--no-wait", is_flag=True,
              help="Stop once the upload is complete; do not follow validation.")
@click.option("--timeout", type=click.FloatRange(0, MAX_TIMEOUT_SECONDS), metavar="SECONDS",
              help="Stop following validation and anonymisation after SECONDS and exit 5 "
                   "(the server goes on; `status DATASET --wait` follows it again).")
@click.option("--no-preflight", is_flag=True,
              help="Skip the pre-flight check of the manifest before a new upload.")
@output_options
def upload(session: Session, source: Path, contract: str, parallel: int,
           part_size: int | None, no_wait: bool, timeout: float | None,
           no_preflight: bool) -> None:
    """Upload SOURCE (a folder, or a .zip, .tar, .tar.gz or .tgz archive) against a
    contract, then follow validation and anonymisation; exit 1 if rejected.

    A folder is packed on the fly as a deterministic tar: nothing is written to disk, and
    the same folder always gives the same archive. The archive's SHA-256 is computed first;
    the server checks it at the end and refuses a mismatch.

    Before a new upload, the manifest (names, sizes, SHA-256s and the label files, no
    images) is checked first, as `airlock-client preflight` does: with errors, nothing is
    uploaded and the command exits 1 with the report (--no-preflight skips it).

    Interrupted (a dropped connection, a killed client, a restarted server)? Run the same
    command again: it finds the open upload by the archive's digest and sends only the
    parts the server lacks."""
    path_segment(contract)
    if timeout is not None and no_wait:
        raise click.UsageError("--timeout is for following the dataset, not with --no-wait")
    output = session.output
    api = session.api()  # a missing setting stops the command before a long walk or hash
    packed = open_source(source)
    if packed.size == 0:
        raise UsageError(f"{source} is empty")
    digests = source_digests(packed, _part_size_for(packed.size, part_size, output), output)
    sha256 = digests.sha256
    check = None if no_preflight else lambda: _preflight(api, contract, source, output)
    done = Transfer(api, packed, digests, output, parallel=parallel,
                    before_create=check).run(contract)
    dataset_id = str(done.dataset.get("id"))
    output.note(f"uploaded {packed.size} bytes as dataset {dataset_id} (sha256 {sha256})")
    if no_wait:
        output.result(_result(done, done.dataset, None),
                      f"dataset {dataset_id} received; follow it with `airlock-client status "
                      f"{dataset_id} --wait`")
        return
    dataset = follow(api, dataset_id, output, timeout=timeout)
    report = _report(api, dataset_id)
    output.result(_result(done, dataset, report), lambda: _text(dataset, report))
    outcome_exit(dataset)


def _preflight(api: Api, contract: str, source: Path, output: Output) -> None:
    """Stop before a byte is sent if the manifest alone shows the dataset would be refused."""
    output.note("pre-flight: checking the manifest before the upload")
    report = run_preflight(api, contract, source)
    if report.get("errors"):
        output.result({"preflight": report, "dataset": None, "upload": None},
                      lambda: render_report(report))
        raise click.exceptions.Exit(int(ExitCode.FAILED))
    output.note(f"pre-flight: no errors in {report.get('summary', {}).get('items', 0)} items")


def _part_size_for(size: int, wanted: int | None, output: Output) -> int:
    """The part size to ask for (as `aws s3` does, the client chooses it, so the parts'
    digests come out of the pass that hashes the whole): the wanted or default size, raised
    if the archive would need more parts than the server takes."""
    chosen = planning.fitting_part_size(size, wanted or planning.DEFAULT_PART_SIZE)
    if chosen != (wanted or planning.DEFAULT_PART_SIZE):
        output.note(f"parts of {chosen} bytes: at most {planning.MAX_PARTS} parts are allowed")
    return chosen


def _report(api: Api, dataset_id: str) -> dict[str, Any] | None:
    """The validation report, if it is still there to read."""
    try:
        body = api.get(f"/v1/datasets/{dataset_id}/report")
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return body if isinstance(body, dict) else None


def _result(done: Outcome, dataset: dict[str, Any],
            report: dict[str, Any] | None) -> dict[str, Any]:
    upload = done.upload
    return {"dataset": dataset, "report": report,
            "upload": {"id": upload.id, "size": upload.size, "sha256": upload.sha256,
                       "part_size": upload.part_size,
                       "parts_total": planning.parts_total(upload.size, upload.part_size),
                       "parts_sent": done.parts_sent, "resumed": done.resumed}}


def _text(dataset: dict[str, Any], report: dict[str, Any] | None) -> str:
    state = views.cell(dataset.get("state"))
    lines = [views.validation_summary(report)] if report is not None else []
    lines.append(f"dataset {dataset.get('id')}: {state}")
    if state == "rejected":
        lines.append(f"see every problem with `airlock-client report {dataset.get('id')}`")
    return "\n".join(lines)
