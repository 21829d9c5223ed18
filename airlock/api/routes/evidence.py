"""Signed evidence: a dataset's intake receipt, and verifying a certificate or receipt
(open to anyone: verifying needs no account, and reveals nothing the document does not)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import ClientDisconnect

from airlock.api.deps import DatasetAccess, InstanceDep
from airlock.api.problems import Problem
from airlock.evidence import Verdict, verify_with
from airlock.permissions import Permission
from airlock_client.evidence_verifier import MAX_DOCUMENT_BYTES, MalformedError, load_json
from audit import Actor
from catalog import receipt_body
from intake import IntakeReceipt, render_receipt_text
from retention import stored_public_key
from retention.signing import key_id_of, public_pem, signing_keys

router = APIRouter(tags=["evidence"])
# A receipt is read like the validation report it summarises: its client and compliance.
ReceiptReader = Annotated[Actor, Depends(DatasetAccess(Permission.REPORTS_READ))]
MAX_BODY = MAX_DOCUMENT_BYTES + 8 * 1024  # the document and a public key


@router.get("/v1/datasets/{dataset_id}/receipt", response_model=IntakeReceipt, responses={
    200: {"content": {"text/plain": {}},
          "description": "The signed receipt (JSON), or its rendering for people "
                         "(`format=text`)."},
    404: {"description": "No such dataset within reach, or it has no receipt (not validated "
                         "yet, or validated before receipts were issued)."}})
def receipt(dataset_id: str, instance: InstanceDep, actor: ReceiptReader,
            format: Annotated[Literal["json", "text"], Query()] = "json",
            ) -> IntakeReceipt | PlainTextResponse:
    """The intake receipt: what was delivered (the upload's SHA-256 and size), against which
    contract, what validation counted and found per rule, and the outcome, signed with the
    instance's Ed25519 key. It names no file and is kept after the purge."""
    with instance.reading() as session:
        found = IntakeReceipt.model_validate_json(receipt_body(session, dataset_id))
    if format == "text":
        return PlainTextResponse(render_receipt_text(found),
                                 headers={"Cache-Control": "no-store"})
    return found


KEY_ID = r"^[0-9a-f]{16}$"


class PublicKeyOut(BaseModel):
    key_id: str
    """The first 16 hex digits of the SHA-256 of the raw key, as every document names it."""
    public_key: str
    """Ed25519, SubjectPublicKeyInfo PEM."""


@router.get("/v1/public-key", responses={
    404: {"description": "This instance has signed nothing yet, so it has no key; or it "
                         "never signed with the key asked for."}})
def public_key(instance: InstanceDep, key_id: Annotated[str | None, Query(
        pattern=KEY_ID, description="A key the instance signed with, retired by a rotation "
                                    "or current (default: the current one).")] = None,
               ) -> PublicKeyOut:
    """The instance's Ed25519 public key, which signs certificates, receipts and audit
    checkpoints (what `airlock-client certificate verify --instance` checks with), or with
    `key_id` the one a document names, if the instance signed with it. No token needed: the
    console's /verify page shows it to anyone. Compare its id with the one the instance's
    operator publishes out of band."""
    with instance.reading() as session:
        keys = signing_keys(session)
        current = stored_public_key(session)
    if keys is None or current is None:
        raise Problem(404, "this instance has signed nothing yet")
    key = current if key_id is None else keys.get(key_id)
    if key is None:
        raise Problem(404, "this instance never signed with that key")
    return PublicKeyOut(key_id=key_id_of(key), public_key=public_pem(key))


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: dict[str, Any] = Field(description="A deletion certificate or intake receipt, "
                                                 "as issued (JSON).")
    public_key: str | None = Field(default=None, max_length=4096, description=(
        "The key to check with: Ed25519 PEM or its 32 raw bytes in base64. Default: this "
        "instance's public key."))


@router.post("/v1/certificates/verify", openapi_extra={"requestBody": {
    "required": True, "content": {"application/json": {
        "schema": VerifyRequest.model_json_schema()}}}},
    responses={413: {"description": f"The body is over {MAX_BODY} bytes."},
               422: {"description": "Not a certificate or receipt, or not a public key."}})
async def verify(request: Request, instance: InstanceDep) -> Verdict:
    """Verify a deletion certificate or an intake receipt: its Ed25519 signature over the
    canonical JSON, with the given public key or this instance's. No token needed. A
    document altered since it was signed answers 200 with `valid: false`."""
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Problem(413, f"the body is over {MAX_BODY} bytes")
    except ClientDisconnect:
        raise Problem(400, "the client left before the body ended") from None
    try:
        asked = VerifyRequest.model_validate(load_json(bytes(body)))
        return await anyio.to_thread.run_sync(verify_with, instance, asked.document,
                                              asked.public_key)
    except MalformedError as exc:
        raise Problem(422, str(exc)) from None
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise Problem(422, f"the body is not {{document, public_key}} (at {where or 'top'})"
                      ) from None
