"""The upload page (clients): pick a contract, then a zip or tar file or a folder; the
page's script streams it to `POST /v1/datasets` and opens the new dataset's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from airlock.api.deps import InstanceDep, tenant_scope
from airlock.api.schemas import ContractOut
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute, PageRequires
from airlock.permissions import Permission
from audit import Actor
from catalog import list_contracts

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Uploader = Annotated[Actor, Depends(PageRequires(Permission.DATASETS_UPLOAD))]

# The messages the script shows, handed to it as data attributes (no inline script).
SCRIPT_MESSAGES = (
    "chosen_file", "chosen_folder", "not_archive", "not_a_file", "empty_folder", "too_large",
    "sending", "progress", "rate", "left", "announce", "done", "cancelled", "failed_network",
    "error_400", "error_401", "error_403", "error_404", "error_408", "error_413", "error_422",
    "error_429", "error_429_after", "error_503", "error_other", "server_said",
)


@router.get("/upload")
def upload_page(request: Request, instance: InstanceDep, actor: Uploader) -> Response:
    """The contracts are those `GET /v1/contracts` lists for the same person."""
    with instance.reading() as session:
        contracts = [ContractOut.model_validate(c)
                     for c in list_contracts(session, tenant_scope(actor))]
    return render(request, "upload_page.html", actor, contracts=contracts,
                  script_messages=SCRIPT_MESSAGES,
                  max_upload_bytes=instance.settings.max_upload_bytes)
