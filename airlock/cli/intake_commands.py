"""`airlock contract ...`, `airlock upload`, `status`, `report`, `validate`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from sqlalchemy.orm import Session

from airlock.api.schemas import ContractAdded, ContractOut, DatasetOut
from airlock.cli.anonymise_commands import print_report as print_anonymisation
from airlock.cli.anonymise_commands import stored_report, write_preview
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, emit, print_json, print_record
from airlock.cli.packing import directory_size, tar_stream
from airlock.cli.progress import byte_bars, step_progress
from airlock.pipeline import Pipeline, Step
from airlock.reports import open_report
from catalog import (
    Contract,
    DatasetReport,
    NoReportError,
    get_dataset,
    get_tenant,
    list_contracts,
    resolve_contract,
    step_runs_of,
)
from intake import ValidationReport, add_contract
from retention import open_hold

contract_app = typer.Typer(cls=AirlockGroup, help="Add and read contracts.",
                           no_args_is_help=True)
CONTRACT_COLUMNS = ("id", "tenant_id", "name", "version", "created_at")
STATUS_FIELDS = ("id", "tenant_id", "contract_id", "state", "state_changed_at", "created_at",
                 "upload_bytes", "item_count", "error_count", "warning_count",
                 "anonymisation_mode", "training_started_at", "trained_at", "purge_due_at",
                 "legal_hold", "hold_reason", "hold_placed_at")
TenantOption = Annotated[str | None, typer.Option(help="Tenant id or name.")]


@contract_app.command("add")
def contract_add(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    tenant: Annotated[str, typer.Option(help="Tenant id or name.")],
    as_json: JsonOption = False,
) -> None:
    """Add a contract file; a changed contract becomes a new version."""
    text = file.read_text(encoding="utf-8")
    with open_instance() as instance, instance.transaction(local_actor()) as tx:
        contract, created = add_contract(tx, tenant, text, str(file))
        added = ContractAdded(**ContractOut.model_validate(contract).model_dump(),
                              new_version=created)
    if as_json:
        print_json(added)
        return
    emit(added, False, (*CONTRACT_COLUMNS, "new_version"))


@contract_app.command("show")
def contract_show(ref: Annotated[str, typer.Argument(help="Id, or name[@version] with "
                                                          "--tenant.")],
                  tenant: TenantOption = None, as_json: JsonOption = False) -> None:
    """Show a contract version and its rules."""
    with open_instance() as instance, instance.reading() as session:
        contract = ContractOut.model_validate(_contract(session, ref, tenant))
    if as_json:
        print_json(contract)
        return
    emit(contract, False, CONTRACT_COLUMNS)
    console.print_json(json.dumps(contract.rules))


@contract_app.command("list")
def contract_list(tenant: TenantOption = None, as_json: JsonOption = False) -> None:
    """List contracts, every version."""
    with open_instance() as instance, instance.reading() as session:
        tenant_id = get_tenant(session, tenant).id if tenant else None
        contracts = [ContractOut.model_validate(c) for c in list_contracts(session, tenant_id)]
    emit(contracts, as_json, CONTRACT_COLUMNS)


def _contract(session: Session, ref: str, tenant: str | None) -> Contract:
    tenant_id = get_tenant(session, tenant).id if tenant else None
    return resolve_contract(session, ref, tenant_id)


def upload(
    path: Annotated[Path, typer.Argument(exists=True, help="A folder, or a zip/tar/tar.gz.")],
    contract: Annotated[str, typer.Option(help="Contract id, or name[@version] with "
                                               "--tenant.")],
    tenant: TenantOption = None,
    as_json: JsonOption = False,
) -> None:
    """Upload a dataset (encrypted as it streams), validate it, and anonymise it when the
    contract allows. Exits 1 if rejected."""
    with open_instance() as instance:
        with instance.reading() as session:
            found = _contract(session, contract, tenant)
        total = directory_size(path) if path.is_dir() else path.stat().st_size
        pipeline = Pipeline(instance)
        with byte_bars() as progress, _source(path) as source:
            task = progress.add_task("upload", total=total)
            dataset = pipeline.receive(local_actor(), found, source,
                                       on_progress=lambda n: progress.advance(task, n))
        done = pipeline.advance(dataset.id, step_progress())
    if done.validation is not None:
        _print_outcome(done.validation, as_json)
    if done.anonymisation is not None and not as_json:
        print_anonymisation(done.anonymisation, as_json=False)


def validate(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
             as_json: JsonOption = False) -> None:
    """(Re)run validation of a received dataset (after an interruption)."""
    with open_instance() as instance:
        done = Pipeline(instance).advance(dataset_id, step_progress(), only=Step.VALIDATE)
    if done.validation is not None:
        _print_outcome(done.validation, as_json)


def status(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
           as_json: JsonOption = False) -> None:
    """A dataset's state, sizes and counts, and the progress of the step running on it."""
    with open_instance() as instance, instance.reading() as session:
        dataset = DatasetOut.model_validate(get_dataset(session, dataset_id)).with_hold(
            open_hold(session, dataset_id)).with_progress(
            step_runs_of(session, [dataset_id]).get(dataset_id))
    if as_json:
        print_json(dataset)
        return
    print_record(dataset, STATUS_FIELDS)
    if (progress := dataset.progress) is not None:
        of = "" if progress.total is None else f" of {progress.total}"
        shards = ("" if progress.shards_total is None
                  else f", shards {progress.shards_done} of {progress.shards_total}")
        rate = ("" if progress.items_per_second is None
                else f", {progress.items_per_second} items/s")
        console.print(f"{'progress':<{max(map(len, STATUS_FIELDS))}}  {progress.step}: "
                      f"{progress.done}{of} done{shards}{rate}, since "
                      f"{progress.started_at.isoformat()}, last report "
                      f"{progress.updated_at.isoformat()}")


def report(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
           anonymisation: Annotated[bool, typer.Option(
               "--anonymisation", help="The anonymisation report instead: counts per entity "
                                       "type, field and operator.")] = False,
           preview: Annotated[Path | None, typer.Option(
               "--preview", help="Write the contact sheet of redacted thumbnails (JPEG) to "
                                 "this file.")] = None,
           as_json: JsonOption = False) -> None:
    """The validation report: every problem, its place and rule, never label content."""
    if preview is not None:
        with open_instance() as instance:
            write_preview(instance, dataset_id, preview)
        return
    if anonymisation:
        with open_instance() as instance:
            print_anonymisation(stored_report(instance, dataset_id), as_json)
        return
    with open_instance() as instance, instance.reading() as session:
        state = get_dataset(session, dataset_id).state
        stored = open_report(instance.vault, session, DatasetReport, dataset_id)
        if stored is None:
            raise NoReportError("validation report", dataset_id, state)
        body = ValidationReport.model_validate(stored)
    if as_json:
        print_json(body)
        return
    _print_report(body)


@contextmanager
def _source(path: Path) -> Iterator[BinaryIO]:
    if path.is_dir():
        with tar_stream(path) as stream:
            yield stream
    else:
        with path.open("rb") as stream:
            yield stream


def _print_outcome(body: ValidationReport, as_json: bool) -> None:
    if as_json:
        print_json(body)
    else:
        _print_report(body)
    if body.outcome == "rejected":
        raise typer.Exit(1)


def _print_report(body: ValidationReport) -> None:
    console.print(f"dataset {body.dataset_id}: {body.outcome.upper()} against contract "
                  f"{body.contract_name} v{body.contract_version}")
    console.print(f"upload {body.upload_bytes} bytes, sha256 {body.upload_sha256}")
    summary = body.summary
    console.print(f"{summary.items} items of {summary.images} images, {summary.label_files} "
                  f"label files, {summary.distinct_classes} classes; "
                  f"{body.errors} errors, {body.warnings} warnings")
    for problem in body.problems:
        where = ":".join(str(part) for part in (problem.file, problem.line) if part) or "dataset"
        if problem.json_path:
            where += f" {problem.json_path}"
        if problem.field:
            where += f" [{problem.field}]"
        console.print(f"{problem.severity.value:7} {problem.rule:28} {where}: {problem.message}",
                      markup=False)
    if body.problems_not_listed:
        console.print(f"... and {body.problems_not_listed} more problems (see --json rules)")
