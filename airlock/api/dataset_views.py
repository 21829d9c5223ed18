"""What a dataset looks like to an actor, built once for the HTTP API and the console: the
row with its running step (and its hold, for compliance), and its stored reports."""

from __future__ import annotations

from typing import Any, TypeVar

from airlock.api.schemas import DatasetOut
from airlock.instance import Instance
from airlock.reports import open_report
from anonymize.dataset import AnonymisationReport
from audit import Actor
from catalog import (
    AnonymisationReportRecord,
    DatasetReport,
    NoReportError,
    Role,
    get_dataset,
    step_runs_of,
)
from intake import ValidationReport
from retention import open_hold

ReportRecord = TypeVar("ReportRecord", DatasetReport, AnonymisationReportRecord)


def dataset_out(instance: Instance, dataset_id: str, actor: Actor) -> DatasetOut:
    """`GET /v1/datasets/{id}`'s body for an actor already allowed to read the dataset."""
    with instance.reading() as session:
        dataset = DatasetOut.model_validate(get_dataset(session, dataset_id)).with_progress(
            step_runs_of(session, [dataset_id]).get(dataset_id))
        # Why data is held is compliance's business (an inquiry may concern the client).
        if actor.role == Role.COMPLIANCE:
            dataset = dataset.with_hold(open_hold(session, dataset_id))
    return dataset


def report_body(instance: Instance, dataset_id: str, record: type[ReportRecord],
                what: str) -> dict[str, Any]:
    """A stored report's body; NoReportError (404) when there is none yet or no longer."""
    with instance.reading() as session:
        state = get_dataset(session, dataset_id).state
        body = open_report(instance.vault, session, record, dataset_id)
    if body is None:
        raise NoReportError(what, dataset_id, state)
    return body


def validation_report(instance: Instance, dataset_id: str) -> ValidationReport:
    """Every problem with its place and rule, never label content."""
    return ValidationReport.model_validate(report_body(
        instance, dataset_id, DatasetReport, "validation report"))


def anonymisation_report(instance: Instance, dataset_id: str) -> AnonymisationReport:
    """What the anonymisation replaced: counts per entity type, field and operator."""
    return AnonymisationReport.model_validate(report_body(
        instance, dataset_id, AnonymisationReportRecord, "anonymisation report"))
