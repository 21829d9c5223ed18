"""Datasets: clients upload and read their own; the other roles read every tenant's."""

from __future__ import annotations

import logging
from typing import Annotated, BinaryIO, cast

import anyio.to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, status
from sqlalchemy import select

from airlock.api.body import AsyncBodyReader
from airlock.api.deps import InstanceDep, Requires, client_scope, ensure_tenant
from airlock.api.problems import Problem
from airlock.api.schemas import DatasetOut
from airlock.instance import Instance
from airlock.permissions import Permission
from audit import Actor
from catalog import Contract, Dataset, DatasetReport, DatasetState, get_dataset, resolve_contract
from intake import UploadTooLargeError, ValidationReport, receive_upload, validate_dataset

router = APIRouter(prefix="/v1/datasets", tags=["datasets"])
Uploader = Annotated[Actor, Depends(Requires(Permission.DATASETS_UPLOAD))]
Reader = Annotated[Actor, Depends(Requires(Permission.DATASETS_READ))]
ReportReader = Annotated[Actor, Depends(Requires(Permission.REPORTS_READ))]
log = logging.getLogger("airlock.intake")


@router.post("", status_code=status.HTTP_202_ACCEPTED, openapi_extra={
    "requestBody": {"required": True, "content": {"application/octet-stream": {}}}})
async def upload(request: Request, background: BackgroundTasks, instance: InstanceDep,
                 actor: Uploader,
                 contract: Annotated[str, Query(max_length=140,
                                                description="Contract id, name or name@v.")],
                 ) -> DatasetOut:
    """Stream a zip, tar or tar.gz as the request body. It is encrypted into the vault as it
    arrives; validation then runs in the background (poll `GET /v1/datasets/{id}`)."""
    limit = instance.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the upload declares {declared} bytes; the maximum is {limit}")

    def resolve() -> Contract:
        with instance.reading() as session:
            return resolve_contract(session, contract, actor.tenant_id)

    found = await anyio.to_thread.run_sync(resolve)
    try:
        dataset = await anyio.to_thread.run_sync(
            receive_upload, instance.transactions(actor), instance.vault, found,
            cast(BinaryIO, AsyncBodyReader(request.stream())), limit)
    except UploadTooLargeError as exc:
        raise Problem(413, str(exc)) from None
    background.add_task(validate_in_background, instance, actor, dataset.id)
    return DatasetOut.model_validate(dataset)


def validate_in_background(instance: Instance, actor: Actor, dataset_id: str) -> None:
    try:
        report = validate_dataset(instance.transactions(actor), instance.vault, dataset_id,
                                  instance.validation_options())
    except Exception:
        log.exception("validation of dataset %s failed; it stays in 'validating' and is "
                      "resumed at the next start", dataset_id)
        return
    log.info("dataset %s %s: %d errors, %d warnings", dataset_id, report.outcome,
             report.errors, report.warnings)


@router.get("")
def index(instance: InstanceDep, actor: Reader,
          state: DatasetState | None = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[DatasetOut]:
    """Newest first; a client sees its own tenant's only."""
    stmt = select(Dataset).order_by(Dataset.created_at.desc()).limit(limit)
    if (scope := client_scope(actor)) is not None:
        stmt = stmt.where(Dataset.tenant_id == scope)
    if state is not None:
        stmt = stmt.where(Dataset.state == state)
    with instance.reading() as session:
        return [DatasetOut.model_validate(d) for d in session.execute(stmt).scalars()]


@router.get("/{dataset_id}")
def show(dataset_id: str, request: Request, instance: InstanceDep, actor: Reader) -> DatasetOut:
    with instance.reading() as session:
        dataset = DatasetOut.model_validate(get_dataset(session, dataset_id))
    ensure_tenant(instance, request, actor, dataset.tenant_id)
    return dataset


@router.get("/{dataset_id}/report")
def report(dataset_id: str, request: Request, instance: InstanceDep,
           actor: ReportReader) -> ValidationReport:
    """The validation report: every problem with its place and rule, never label content."""
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        stored = session.get(DatasetReport, dataset_id)
        tenant_id, body = dataset.tenant_id, (stored.body if stored else None)
    ensure_tenant(instance, request, actor, tenant_id)
    if body is None:
        raise Problem(404, f"dataset {dataset_id} has no report yet (state: validation "
                           "pending)")
    return ValidationReport.model_validate(body)
