"""Datasets: clients upload and read their own; tenant-bound tokens reach their tenant's only."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Annotated, BinaryIO, cast

import anyio.to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from starlette.requests import ClientDisconnect

from airlock.api import dataset_views
from airlock.api.body import BodyTooSlowError, upload_body
from airlock.api.dataset_list import (
    MAX_DUE_DAYS,
    DatasetListed,
    DatasetQuery,
    list_for,
    next_link,
)
from airlock.api.deps import DatasetAccess, InstanceDep, PipelineDep, Requires
from airlock.api.gates import GatesDep
from airlock.api.problems import Problem
from airlock.api.schemas import DatasetOut
from airlock.auth import approver_of
from airlock.permissions import Permission
from airlock.reports import contact_sheet
from anonymize.dataset import AnonymisationReport
from anonymize.events import MappingRead
from audit import Actor
from catalog import (
    Contract,
    CopyKind,
    DatasetState,
    get_dataset,
    live_copies,
    resolve_contract,
)
from catalog.dataset_list import MAX_LIMIT
from intake import UploadTooLargeError, ValidationReport

router = APIRouter(prefix="/v1/datasets", tags=["datasets"])
Uploader = Annotated[Actor, Depends(Requires(Permission.DATASETS_UPLOAD))]
Reader = Annotated[Actor, Depends(Requires(Permission.DATASETS_READ))]
DatasetReader = Annotated[Actor, Depends(DatasetAccess(Permission.DATASETS_READ))]
ReportReader = Annotated[Actor, Depends(DatasetAccess(Permission.REPORTS_READ))]
MappingReader = Annotated[Actor, Depends(DatasetAccess(Permission.MAPPING_READ))]


@router.post("", status_code=status.HTTP_202_ACCEPTED, openapi_extra={
    "requestBody": {"required": True, "content": {"application/octet-stream": {}}}},
    responses={408: {"description": "The body stalled or trickled; nothing was kept."},
               413: {"description": "Over AIRLOCK_MAX_UPLOAD_BYTES; nothing was kept."},
               429: {"description": "Too many uploads in flight (token, tenant or service); "
                                    "see Retry-After."},
               503: {"description": "The vault cannot be written."}})
async def upload(request: Request, background: BackgroundTasks, instance: InstanceDep,
                 pipeline: PipelineDep, actor: Uploader, gates: GatesDep,
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
    body = upload_body(request, instance.settings)
    with gates.uploads.admit(actor, found.tenant_id):
        try:
            dataset = await anyio.to_thread.run_sync(
                pipeline.receive, actor, found, cast(BinaryIO, body),
                limiter=gates.uploads.threads)
        except UploadTooLargeError as exc:
            raise Problem(413, str(exc)) from None
        except ClientDisconnect:
            raise Problem(400, "the client left before the upload ended; nothing was kept",
                          headers={"Connection": "close"}) from None
        except BodyTooSlowError as exc:
            raise Problem(408, f"{exc}; the upload was aborted and nothing was kept",
                          headers={"Connection": "close"}) from None
    background.add_task(partial(anyio.to_thread.run_sync, limiter=gates.validations),
                        pipeline.drive, dataset.id)
    return DatasetOut.model_validate(dataset)


@router.get("", responses={
    400: {"description": "`after` is not a cursor this list handed out."},
    404: {"description": "`tenant` is unknown, or another tenant's for a tenant-bound token "
                         "(the same answer)."}})
def index(request: Request, response: Response, instance: InstanceDep, actor: Reader,
          state: DatasetState | None = None,
          tenant: Annotated[str | None, Query(
              max_length=64, description="Tenant id or name. A tenant-bound token lists its "
                                         "own tenant's only, whatever it names.")] = None,
          due_within_days: Annotated[int | None, Query(
              ge=0, le=MAX_DUE_DAYS, description="Only datasets whose purge is due within "
                                                 "this many days (overdue ones included), "
                                                 "not purged yet.")] = None,
          overdue: Annotated[bool, Query(
              description="Only datasets whose purge date has passed, not purged yet.")
          ] = False,
          after: Annotated[str | None, Query(
              description="The opaque cursor of the previous page's "
                                          "`X-Next-Cursor` (or `Link: rel=\"next\"`).")
          ] = None,
          limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100) -> list[DatasetListed]:
    """Newest first (`created_at`, then `id`, descending), paged by cursor: while a next page
    exists the answer carries `Link: <...&after=CURSOR>; rel="next"` and `X-Next-Cursor`;
    the last page has neither. A tenant-bound token sees its own tenant's only; the hold's
    reason is shown to compliance only."""
    query = DatasetQuery(state=state, tenant=tenant, due_within_days=due_within_days,
                         overdue=overdue, after=after, limit=limit)
    page = list_for(instance, request, actor, query)
    if page.next_cursor is not None:
        response.headers["Link"] = f'<{next_link(request, page.next_cursor)}>; rel="next"'
        response.headers["X-Next-Cursor"] = page.next_cursor
    return page.items


@router.get("/{dataset_id}")
def show(dataset_id: str, instance: InstanceDep, actor: DatasetReader) -> DatasetOut:
    return dataset_views.dataset_out(instance, dataset_id, actor)


@router.get("/{dataset_id}/report")
def report(dataset_id: str, instance: InstanceDep, actor: ReportReader) -> ValidationReport:
    """The validation report: every problem with its place and rule, never label content."""
    return dataset_views.validation_report(instance, dataset_id)


@router.get("/{dataset_id}/anonymisation-report")
def anonymisation_report(dataset_id: str, instance: InstanceDep,
                         actor: ReportReader) -> AnonymisationReport:
    """What the anonymisation replaced: counts per entity type, field and operator."""
    return dataset_views.anonymisation_report(instance, dataset_id)


@router.get("/{dataset_id}/preview", response_class=Response, responses={
    200: {"content": {"image/jpeg": {}},
          "description": "A contact sheet of redacted thumbnails (first images)."}})
def preview(dataset_id: str, instance: InstanceDep, actor: ReportReader) -> Response:
    """Thumbnails of the redacted images, to see what the anonymisation did; never the
    originals. No file names are drawn on it."""
    sheet = contact_sheet(instance, dataset_id)
    if sheet is None:
        raise Problem(404, f"dataset {dataset_id} has no preview (images kept, not yet "
                           "anonymised, or purged)")
    return Response(sheet, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/{dataset_id}/mapping", response_class=StreamingResponse, responses={
    200: {"content": {"application/x-ndjson": {}},
          "description": "JSON Lines: one record per replaced value or renamed path."}})
def mapping(dataset_id: str, instance: InstanceDep, actor: MappingReader) -> StreamingResponse:
    """The re-identification mapping of a de-identified dataset (an approved reidentifier
    token of its tenant only); every read is audited with the token and its approver."""
    with instance.transaction(actor) as tx:
        tenant_id = get_dataset(tx.session, dataset_id).tenant_id
        parts = [c for c in live_copies(tx.session, dataset_id) if c.kind is CopyKind.MAPPING]
        if not parts:
            raise Problem(404, f"dataset {dataset_id} has no re-identification mapping "
                               "(anonymised, not de-identified, or purged)")
        key = instance.vault.data_key(tx.session, dataset_id)
        tx.record(MappingRead(tenant=tenant_id, dataset=dataset_id, copies=len(parts),
                              approved_by=approver_of(tx.session, actor)))
    ids = [part.id for part in parts]

    def stream() -> Iterator[bytes]:
        for copy_id in ids:
            yield from instance.vault.chunks(key, dataset_id, copy_id)

    return StreamingResponse(stream(), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store"})
