"""One dataset: its lifecycle as a timeline, its reports, its contact sheet, its deletion
certificate once purged, and the progress of a running step.

The page checks what `GET /v1/datasets/{id}` checks; each section then shows what the
API's route for it would give the same person (reports: reports:read, certificate:
certificates:read, audit links: audit:read), through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from airlock.api.dataset_views import anonymisation_report, dataset_out, validation_report
from airlock.api.deps import InstanceDep
from airlock.console import timeline
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageDatasetAccess
from airlock.instance import Instance
from airlock.permissions import Permission, allows
from anonymize.dataset import AnonymisationReport
from audit import Actor
from catalog import DatasetState, NoReportError, NotFoundError, receipt_body
from intake import IntakeReceipt, ValidationReport, render_receipt_text
from intake.problems import Problem
from retention import render_text, stored_certificate

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
DatasetReader = Annotated[Actor, Depends(PageDatasetAccess(Permission.DATASETS_READ))]
PLACES_SHOWN = 20
"""Places listed per rule on the page; the API's report lists them all (up to its cap)."""
LIVE_STATES = frozenset({DatasetState.RECEIVED, DatasetState.VALIDATING,
                         DatasetState.VALIDATED, DatasetState.ANONYMISING,
                         DatasetState.PURGING})
"""States the pipeline moves on from by itself: the page follows them."""


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    severity: str
    count: int
    places: list[Problem]
    more: int


def group_problems(report: ValidationReport) -> list[RuleGroup]:
    """Problems by rule, errors first: the count of all of them (listed or not) and the
    first places."""
    listed: dict[str, list[Problem]] = {}
    for problem in report.problems:
        listed.setdefault(problem.rule, []).append(problem)
    groups = []
    for rule, count in report.rules.items():
        places = listed.get(rule, [])
        severity = places[0].severity.value if places else "error"
        groups.append(RuleGroup(rule, severity, count, places[:PLACES_SHOWN],
                                count - min(len(places), PLACES_SHOWN)))
    return sorted(groups, key=lambda g: (g.severity != "error", g.rule))


def _instant(text: str | None) -> datetime | None:
    """A report's ISO 8601 time, to show like every other time."""
    return datetime.fromisoformat(text) if text else None


def _validation(instance: Instance, dataset_id: str) -> ValidationReport | None:
    try:
        return validation_report(instance, dataset_id)
    except NoReportError:
        return None


def _anonymisation(instance: Instance, dataset_id: str) -> AnonymisationReport | None:
    try:
        return anonymisation_report(instance, dataset_id)
    except NoReportError:
        return None


def _certificate_text(instance: Instance, dataset_id: str) -> str | None:
    with instance.reading() as session:
        try:
            return render_text(stored_certificate(session, dataset_id))
        except NotFoundError:
            return None


def _receipt_text(instance: Instance, dataset_id: str) -> str | None:
    with instance.reading() as session:
        try:
            body = receipt_body(session, dataset_id)
        except NotFoundError:
            return None
    return render_receipt_text(IntakeReceipt.model_validate_json(body))


@router.get("/datasets/{dataset_id}")
def dataset_page(dataset_id: str, request: Request, instance: InstanceDep,
                 actor: DatasetReader) -> Response:
    dataset = dataset_out(instance, dataset_id, actor)
    reads_audit = allows(actor.role, Permission.AUDIT_READ)
    events = None
    if reads_audit:
        with instance.reading() as session:
            events = timeline.action_summaries(session, dataset_id)
    reads_reports = allows(actor.role, Permission.REPORTS_READ)
    validation = _validation(instance, dataset_id) if reads_reports else None
    anonymised = _anonymisation(instance, dataset_id) if reads_reports else None
    checked = _instant(validation.checked_at if validation else None)
    receipt = _receipt_text(instance, dataset_id) if reads_reports else None
    reads_certificates = allows(actor.role, Permission.CERTIFICATES_READ)
    certificate = (_certificate_text(instance, dataset_id)
                   if reads_certificates and dataset.state is DatasetState.PURGED else None)
    return render(
        request, "dataset_page.html", actor, dataset=dataset,
        steps=timeline.build(dataset, events, checked),
        reads_audit=reads_audit,
        audit_all=timeline.audit_href(dataset_id),
        audit_states=timeline.audit_href(dataset_id, timeline.STATE_CHANGED),
        reads_reports=reads_reports, validation=validation,
        groups=group_problems(validation) if validation else [],
        checked_at=checked,
        anonymised=anonymised,
        finished_at=_instant(anonymised.finished_at if anonymised else None),
        receipt=receipt,
        reads_certificates=reads_certificates,
        certificate=certificate,
        live=dataset.state in LIVE_STATES or dataset.progress is not None)
