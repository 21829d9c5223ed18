"""`airlock anonymise`.

The anonymisation modules (Presidio, spaCy, the image models) are imported by the commands
that run them, not when the command line starts: `airlock image ...` and the other commands
start in a fraction of the time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.output import JsonOption, console, print_json
from airlock.cli.progress import step_progress
from airlock.instance import Instance
from airlock.reports import contact_sheet, open_report
from catalog import AnonymisationReportRecord, NoReportError, NotFoundError, get_dataset

if TYPE_CHECKING:
    from anonymize.dataset import AnonymisationReport
    from anonymize.dataset.report import ImageSummary


def anonymise_command(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
                      as_json: JsonOption = False) -> None:
    """Anonymise a validated dataset (again, after an interruption): labels and file names
    rewritten, faces and text in the images redacted and their metadata stripped, into the
    `anonymised` copy; the dataset becomes `ready`."""
    from airlock.pipeline import Pipeline, Step

    with open_instance() as instance:
        done = Pipeline(instance).advance(dataset_id, step_progress(), only=Step.ANONYMISE)
    if done.anonymisation is not None:
        print_report(done.anonymisation, as_json)


def stored_report(instance: Instance, dataset_id: str) -> AnonymisationReport:
    from anonymize.dataset import AnonymisationReport

    with instance.reading() as session:
        state = get_dataset(session, dataset_id).state
        stored = open_report(instance.vault, session, AnonymisationReportRecord, dataset_id)
        if stored is None:
            raise NoReportError("anonymisation report", dataset_id, state)
        return AnonymisationReport.model_validate(stored)


def write_preview(instance: Instance, dataset_id: str, path: Path) -> None:
    with instance.reading() as session:
        get_dataset(session, dataset_id)
    sheet = contact_sheet(instance, dataset_id)
    if sheet is None:
        raise NotFoundError("preview of dataset", dataset_id)
    path.write_bytes(sheet)
    console.print(f"preview written to {path} ({len(sheet)} bytes)")


def _print_images(images: ImageSummary) -> None:
    if images.handling != "redacted":
        console.print("images kept unchanged (contract: they hold no personal data)")
        return
    console.print(f"{images.images} images redacted: {images.faces} faces, "
                  f"{images.text_regions} text regions, metadata stripped; "
                  f"{images.redone} painted again after the residual check, "
                  f"{images.flagged} flagged")
    for name in images.flagged_items:
        console.print(f"  flagged: {name}", markup=False)


def print_report(report: AnonymisationReport, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    console.print(f"dataset {report.dataset_id}: ANONYMISED ({report.mode.value}) in "
                  f"{report.seconds:.1f} s")
    _print_images(report.images)
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
