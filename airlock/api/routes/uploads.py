"""Multipart uploads (S3-style, JSON): open, send parts in any order and in parallel, list,
complete, abort. Tenant-bound tokens reach their own tenant's uploads only."""

from __future__ import annotations

from functools import partial
from typing import Annotated, BinaryIO, cast

import anyio.to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, status
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from airlock.api.body import BodyTooSlowError, upload_body
from airlock.api.deps import InstanceDep, PipelineDep, Requires, UploadAccess, tenant_scope
from airlock.api.gates import GatesDep
from airlock.api.problems import Problem
from airlock.api.schemas import DatasetOut
from airlock.api.upload_views import (
    MAX_LISTED,
    SHA256_HEX,
    PartOut,
    UploadCreate,
    UploadOut,
    content_sha256,
    upload_out,
)
from airlock.permissions import Permission
from audit import Actor
from catalog import UploadState, find_uploads, get_upload, resolve_contract
from intake import (
    ArchiveDigestMismatchError,
    IncompleteUploadError,
    PartDigestMismatchError,
    UploadTooLargeError,
    create_upload,
    store_part,
)
from intake.multipart import MAX_PARTS

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])
Uploader = Annotated[Actor, Depends(Requires(Permission.DATASETS_UPLOAD))]
UploadOwner = Annotated[Actor, Depends(UploadAccess(Permission.DATASETS_UPLOAD))]
PART_PATH = r"/v1/uploads/[^/]+/parts/[^/]+"
"""Part bodies stream under AIRLOCK_MAX_UPLOAD_BYTES, not the JSON request limit."""
_CLOSE = {"Connection": "close"}


@router.post("", status_code=status.HTTP_201_CREATED, responses={
    201: {"description": "Created; `Location` names the upload."},
    413: {"description": "`size` is over AIRLOCK_MAX_UPLOAD_BYTES."}})
def create(body: UploadCreate, response: Response, instance: InstanceDep, pipeline: PipelineDep,
           actor: Uploader) -> UploadOut:
    """Open a multipart upload of one archive: its dataset (state `received`, no digest yet)
    and data key are created now. Then PUT its parts and complete it."""
    limit = instance.settings.max_upload_bytes
    if body.size > limit:
        raise Problem(413, f"the upload declares {body.size} bytes; the maximum is {limit}")
    with instance.reading() as session:
        contract = resolve_contract(session, body.contract, actor.tenant_id)
    upload = create_upload(instance.transactions(actor), instance.vault, contract, body.size,
                           body.sha256, body.part_size, pipeline.multipart_rules(),
                           pipeline.clock())
    response.headers["Location"] = f"/v1/uploads/{upload.id}"
    with instance.reading() as session:
        return upload_out(session, upload, pipeline.clock())


@router.get("")
def index(instance: InstanceDep, pipeline: PipelineDep, actor: Uploader,
          sha256: Annotated[str | None, Query(pattern=SHA256_HEX)] = None,
          contract: Annotated[str | None, Query(max_length=140,
                                                description="Contract id, name or name@v.")
                              ] = None,
          state: UploadState | None = None,
          limit: Annotated[int, Query(ge=1, le=MAX_LISTED)] = MAX_LISTED) -> list[UploadOut]:
    """The uploads in the token's reach, newest first: a client that restarted finds its
    upload by the archive's SHA-256 (`?sha256=...&state=open`). Parts are not listed here;
    `GET /v1/uploads/{id}` lists them."""
    scope = tenant_scope(actor)
    now = pipeline.clock()
    with instance.reading() as session:
        contract_id = resolve_contract(session, contract, scope).id if contract else None
        states = [state.value] if state is not None else []
        found = find_uploads(session, scope, sha256, contract_id, states, limit)
        listed = [upload_out(session, u, now, with_parts=False) for u in found]
    if state is UploadState.OPEN:  # an open upload past its expiry is shown as expired
        listed = [u for u in listed if u.state == UploadState.OPEN.value]
    return listed


@router.get("/{upload_id}")
def show(upload_id: str, instance: InstanceDep, pipeline: PipelineDep,
         actor: UploadOwner) -> UploadOut:
    """The upload and the parts received so far: what a client resuming has left to send."""
    with instance.reading() as session:
        return upload_out(session, get_upload(session, upload_id), pipeline.clock())


@router.put("/{upload_id}/parts/{number}", openapi_extra={
    "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
    "parameters": [
        {"name": "Content-Length", "in": "header", "required": True,
         "schema": {"type": "integer"},
         "description": "The part's size: `part_size`, the last part the rest."},
        {"name": "Content-Digest", "in": "header", "required": True,
         "schema": {"type": "string"},
         "description": "RFC 9530: `sha-256=:<base64 of the part's SHA-256>:`."}]},
    responses={400: {"description": "Wrong part number or Content-Length, no valid "
                                    "Content-Digest, or the client left; nothing kept."},
               408: {"description": "The body stalled or trickled; nothing was kept."},
               409: {"description": "The upload is completed, failed, aborted or expired."},
               411: {"description": "No Content-Length."},
               422: {"description": "The part does not have its Content-Digest's SHA-256; "
                                    "nothing was kept."},
               429: {"description": "Too many uploads (parts) in flight; see Retry-After."}})
async def put_part(upload_id: str, request: Request, instance: InstanceDep,
                   pipeline: PipelineDep, actor: UploadOwner, gates: GatesDep,
                   number: Annotated[int, Path(ge=1, le=MAX_PARTS)]) -> PartOut:
    """Send one part. It is encrypted into the vault as it arrives and checked against its
    Content-Digest; a part sent again replaces the earlier one (retries are idempotent).
    Each part extends the upload's `expires_at`."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise Problem(411, "Content-Length is required: the part's size", headers=_CLOSE)
    sha256 = content_sha256(request.headers.get("content-digest"))
    with instance.reading() as session:
        tenant_id = get_upload(session, upload_id).tenant_id
    body = upload_body(request, instance.settings)
    with gates.uploads.admit(actor, tenant_id):
        try:
            part = await anyio.to_thread.run_sync(
                partial(store_part, instance.transactions(actor), instance.vault, upload_id,
                        number, int(declared), sha256, cast(BinaryIO, body),
                        pipeline.multipart_rules(), pipeline.clock),
                limiter=gates.uploads.threads)
        except PartDigestMismatchError as exc:
            raise Problem(422, str(exc), headers=_CLOSE) from None
        except (UploadTooLargeError, ClientDisconnect):
            raise Problem(400, "the part's body did not match its Content-Length; nothing "
                               "was kept", headers=_CLOSE) from None
        except BodyTooSlowError as exc:
            raise Problem(408, f"{exc}; the part was aborted and nothing was kept",
                          headers=_CLOSE) from None
    return PartOut.model_validate(part)


@router.post("/{upload_id}/complete", status_code=status.HTTP_202_ACCEPTED, responses={
    409: {"description": "Parts are missing (listed in `missing`), or the upload is not "
                         "open."},
    429: {"description": "Too many uploads (parts) in flight; see Retry-After."},
    422: {"description": "The parts do not have the declared SHA-256: the upload failed and "
                         "its dataset (`dataset_id`) is purged, with a certificate."}})
async def complete(upload_id: str, background: BackgroundTasks, instance: InstanceDep,
                   pipeline: PipelineDep, actor: UploadOwner, gates: GatesDep) -> DatasetOut:
    """Check that every part arrived and that together they have the declared SHA-256; the
    dataset's validation then runs in the background (poll `GET /v1/datasets/{id}`).
    Reading the parts back holds an upload slot, as a part does."""
    with instance.reading() as session:
        tenant_id = get_upload(session, upload_id).tenant_id
    with gates.uploads.admit(actor, tenant_id):
        try:
            dataset = await anyio.to_thread.run_sync(pipeline.complete_upload, actor,
                                                      upload_id, limiter=gates.uploads.threads)
        except IncompleteUploadError as exc:
            raise Problem(409, str(exc), missing=exc.missing) from None
        except ArchiveDigestMismatchError as exc:
            raise Problem(422, str(exc), dataset_id=exc.dataset_id) from None
    background.add_task(partial(anyio.to_thread.run_sync, limiter=gates.validations),
                        pipeline.drive, dataset.id)
    return DatasetOut.model_validate(dataset)


@router.delete("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response)
async def abort(upload_id: str, pipeline: PipelineDep, actor: UploadOwner) -> Response:
    """Abort: the parts stored are purged at once, with a certificate (on the dataset)."""
    await anyio.to_thread.run_sync(pipeline.abort_upload, actor, upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


__all__ = ["PART_PATH", "router"]
