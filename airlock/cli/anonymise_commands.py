"""`airlock anonymise`, and the anonymisation step of `airlock upload`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from airlock.anonymisation import anonymise, anonymise_if_allowed
from airlock.cli.context import local_actor, open_instance
from airlock.cli.output import JsonOption, console, errors, print_json
from airlock.instance import Instance
from anonymize.dataset import AnonymisationReport
from catalog import AnonymisationReportRecord, NotFoundError, get_dataset

T = TypeVar("T")


def anonymise_command(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
                      as_json: JsonOption = False) -> None:
    """Anonymise a validated dataset (again, after an interruption): labels and file names
    rewritten into the `anonymised` copy; the dataset becomes `ready`."""
    with open_instance() as instance:
        report = with_progress(instance, dataset_id, lambda tick: anonymise(
            instance, local_actor(), dataset_id, on_item=tick))
    print_report(report, as_json)


def after_validation(instance: Instance, dataset_id: str) -> AnonymisationReport | None:
    """Run by `airlock upload` once validation accepted the dataset."""
    return with_progress(instance, dataset_id, lambda tick: anonymise_if_allowed(
        instance, local_actor(), dataset_id, on_item=tick))


def with_progress(instance: Instance, dataset_id: str,
                  run: Callable[[Callable[[int], None]], T]) -> T:
    with instance.reading() as session:
        total = get_dataset(session, dataset_id).item_count
    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeRemainingColumn(), console=errors,
                        transient=True, disable=not errors.is_terminal)
    with progress:
        task = progress.add_task("anonymise", total=total)
        return run(lambda n: progress.advance(task, n))


def stored_report(instance: Instance, dataset_id: str) -> AnonymisationReport:
    with instance.reading() as session:
        get_dataset(session, dataset_id)
        stored = session.get(AnonymisationReportRecord, dataset_id)
        if stored is None:
            raise NotFoundError("anonymisation report of dataset", dataset_id)
        return AnonymisationReport.model_validate(stored.body)


def print_report(report: AnonymisationReport, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    console.print(f"dataset {report.dataset_id}: ANONYMISED ({report.mode.value}) in "
                  f"{report.seconds:.1f} s; images {report.images}")
    console.print(f"{report.items} items, {report.label_files} label files, "
                  f"{report.paths_renamed} file names rewritten, {report.entries_dropped} "
                  f"other entries not copied")
    console.print(f"{report.texts_changed} of {report.texts_scanned} texts changed; "
                  f"replacements: " + (", ".join(f"{t} {n}" for t, n in report.entities.items())
                                       or "none"))
    for name, counts in report.by_field.items():
        console.print(f"  {name}: " + ", ".join(f"{t} {n}" for t, n in counts.items()),
                      markup=False)
    if report.mapping_copies:
        console.print(f"re-identification mapping: {report.mapping_records} records in "
                      f"{report.mapping_copies} encrypted copies")
    else:
        console.print("no re-identification mapping kept; the run's key was discarded")
