"""Deletion certificates: a client reads its own datasets', compliance every one."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from airlock.api.deps import DatasetAccess, InstanceDep
from airlock.permissions import Permission
from audit import Actor
from retention import DeletionCertificate, render_text, stored_certificate

router = APIRouter(prefix="/v1/datasets", tags=["retention"])
CertificateReader = Annotated[Actor, Depends(DatasetAccess(Permission.CERTIFICATES_READ))]


@router.get("/{dataset_id}/certificate", response_model=DeletionCertificate, responses={
    200: {"content": {"text/plain": {}},
          "description": "The signed certificate (JSON), or its rendering for people "
                         "(`format=text`)."}})
def certificate(dataset_id: str, instance: InstanceDep,
                actor: CertificateReader,
                format: Annotated[Literal["json", "text"], Query()] = "json",
                ) -> DeletionCertificate | PlainTextResponse:
    """The deletion certificate of a purged dataset, signed with the instance's Ed25519 key
    (its public key is in the certificate; `airlock certificate verify` checks it against
    the audit log)."""
    with instance.reading() as session:
        found = stored_certificate(session, dataset_id)
    if format == "text":
        return PlainTextResponse(render_text(found), headers={"Cache-Control": "no-store"})
    return found
