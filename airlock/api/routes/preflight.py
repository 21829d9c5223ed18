"""Pre-flight: a client's manifest judged before it uploads a single image."""

from __future__ import annotations

from typing import Annotated, BinaryIO, cast

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from starlette.requests import ClientDisconnect

from airlock.api.body import BodyTooSlowError, upload_body
from airlock.api.deps import InstanceDep, Requires, conceal
from airlock.api.gates import GatesDep
from airlock.api.problems import Problem
from airlock.instance import Instance
from airlock.permissions import Permission
from audit import Actor
from catalog import Contract, NotFoundError, resolve_contract
from intake import ManifestBounds, ManifestError, PreflightOptions, ValidationReport, preflight
from intake.contract_store import contract_rules
from intake.events import PreflightChecked

router = APIRouter(prefix="/v1/preflight", tags=["datasets"])
Uploader = Annotated[Actor, Depends(Requires(Permission.DATASETS_UPLOAD))]

ENTRY_MARGIN = 1000
"""Files a manifest may list beyond two per item the contract allows (an image and its
label file), for class-name files, stray files and such, which the report then names."""


@router.post("", openapi_extra={
    "requestBody": {"required": True, "content": {"application/x-ndjson": {}}}},
    responses={408: {"description": "The body stalled or trickled; nothing was kept."},
               413: {"description": "Over AIRLOCK_PREFLIGHT_MAX_BYTES, a line over "
                                    "AIRLOCK_PREFLIGHT_MAX_LINE_BYTES, or more files than "
                                    "the contract allows with a margin; nothing was kept."},
               422: {"description": "A line is not a file's record (the line number and the "
                                    "field are named); nothing was kept."},
               429: {"description": "Too many uploads in flight (token, tenant or service); "
                                    "see Retry-After."}})
async def check_manifest(request: Request, instance: InstanceDep, actor: Uploader,
                         gates: GatesDep,
                         contract: Annotated[str, Query(
                             max_length=140, description="Contract id, name or name@v.")],
                         ) -> ValidationReport:
    """Judge a dataset from its manifest before uploading it. The body is NDJSON, one file a
    line: `{"path", "size", "sha256"}`, and `"content"` (base64) for a label file. The answer
    is the validation report (`kind: "preflight"`) of everything that needs no pixels;
    `not_checked` lists the rules left to the full validation. Nothing is kept."""
    limit = instance.settings.preflight_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem(413, f"the manifest declares {declared} bytes; the maximum is {limit}; "
                           "nothing was kept")

    found = await anyio.to_thread.run_sync(_resolve, instance, request, actor, contract)
    body = upload_body(request, instance.settings)
    with gates.uploads.admit(actor, found.tenant_id):
        try:
            report = await anyio.to_thread.run_sync(
                preflight, cast(BinaryIO, body), found, _options(instance, found),
                limiter=gates.uploads.threads)
        except ManifestError as exc:
            raise Problem(exc.status, f"{exc}; nothing was kept",
                          headers={"Connection": "close"}) from None
        except ClientDisconnect:
            raise Problem(400, "the client left before the manifest ended; nothing was kept",
                          headers={"Connection": "close"}) from None
        except BodyTooSlowError as exc:
            raise Problem(408, f"{exc}; nothing was kept",
                          headers={"Connection": "close"}) from None
    await anyio.to_thread.run_sync(_record, instance, actor, found, report)
    return report


def _resolve(instance: Instance, request: Request, actor: Actor, ref: str) -> Contract:
    """As an upload resolves it; another tenant's contract id answers as an unknown one, and
    the reach is audited."""
    with instance.reading() as session:
        try:
            return resolve_contract(session, ref, actor.tenant_id)
        except NotFoundError:
            elsewhere = session.get(Contract, ref)
    if elsewhere is not None:
        raise conceal(instance, request, actor, "contract", ref)
    raise NotFoundError("contract", ref)


def _options(instance: Instance, contract: Contract) -> PreflightOptions:
    settings = instance.settings
    max_items = contract_rules(contract).volume.max_items
    entries = settings.unpack_max_entries if max_items is None else \
        min(settings.unpack_max_entries, 2 * max_items + ENTRY_MARGIN)
    return PreflightOptions(
        limits=instance.validation_options().limits,
        bounds=ManifestBounds(max_bytes=settings.preflight_max_bytes,
                              max_line_bytes=settings.preflight_max_line_bytes,
                              max_entries=entries))


def _record(instance: Instance, actor: Actor, contract: Contract,
            report: ValidationReport) -> None:
    summary = report.summary
    with instance.transaction(actor) as tx:
        tx.record(PreflightChecked(tenant=contract.tenant_id, contract_id=contract.id,
                                   entries=summary.archive_entries, images=summary.images,
                                   label_files=summary.label_files, errors=report.errors,
                                   warnings=report.warnings))
