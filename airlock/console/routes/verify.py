"""Verifying a certificate or receipt, open to anyone: the page's script checks the Ed25519
signature in the browser (static/verify.js); without scripts the form posts here and the
server answers with the API's verifier (`airlock.evidence`)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import JSONResponse, Response

from airlock.api.deps import InstanceDep
from airlock.console.render import render
from airlock.console.routing import ConsoleRoute
from airlock.console.sessions import COOKIE, SessionEnded, session_actor
from airlock.evidence import KINDS, Verdict, verify_with
from airlock.instance import Instance
from airlock_client.evidence_verifier import MAX_DOCUMENT_BYTES, MalformedError, load_json
from audit import Actor
from intake import IntakeReceipt, render_receipt_text
from retention import DeletionCertificate, render_text, stored_public_key
from retention.signing import key_id_of, public_pem

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
_MAX_KEY = 4096


def _viewer(request: Request, instance: Instance) -> Actor | None:
    """Who is signed in, if anyone: the page is open to all, the navigation is theirs."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        return session_actor(instance, cookie)
    except SessionEnded:
        return None


def _instance_key(instance: Instance) -> tuple[str, str] | None:
    with instance.reading() as session:
        key = stored_public_key(session)
    return None if key is None else (public_pem(key), key_id_of(key))


def text_of(document: Any) -> str | None:
    """The document as a person reads it, when it is a well-formed certificate or receipt
    (whether or not its signature holds: the verdict says that)."""
    if not isinstance(document, dict):
        return None
    kind = KINDS.get(document.get("format"))  # type: ignore[arg-type]
    try:
        if kind is not None and kind[0] == "certificate":
            return render_text(DeletionCertificate.model_validate(document))
        if kind is not None:
            return render_receipt_text(IntakeReceipt.model_validate(document))
    except ValueError:
        return None
    return None


def _page(request: Request, instance: Instance, status: int = 200, **found: Any) -> Response:
    key = _instance_key(instance)
    context: dict[str, Any] = {"instance_pem": key[0] if key else "",
                               "instance_key_id": key[1] if key else None,
                               "document": "", "public_key": key[0] if key else "",
                               "verdict": None, "problem": None, "text": None}
    context.update(found)
    return render(request, "verify.html", _viewer(request, instance), status=status,
                  **context)


@router.get("/verify")
def verify_page(request: Request, instance: InstanceDep) -> Response:
    return _page(request, instance)


async def _read_upload(upload: UploadFile | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_DOCUMENT_BYTES + 1)
    return data or None


@router.post("/verify")
async def verify_submit(request: Request, instance: InstanceDep,
                        document: Annotated[str, Form(max_length=MAX_DOCUMENT_BYTES)] = "",
                        public_key: Annotated[str, Form(max_length=_MAX_KEY)] = "",
                        document_file: Annotated[UploadFile | None, File()] = None,
                        ) -> Response:
    """The no-script path: the same verifier as `POST /v1/certificates/verify`. A chosen
    file wins over the pasted text."""
    uploaded = await _read_upload(document_file)
    source: str | bytes = uploaded if uploaded is not None else document
    shown = document if uploaded is None else uploaded.decode("utf-8", "replace")
    parsed: Any = None
    try:
        parsed = load_json(source)
        verdict: Verdict = await anyio.to_thread.run_sync(verify_with, instance, parsed,
                                                          public_key or None)
    except MalformedError as exc:
        return _page(request, instance, status=422, document=shown, public_key=public_key,
                     problem=str(exc))
    # The text of an altered document is not shown: it would read as if it were true.
    return _page(request, instance, document=shown, public_key=public_key, verdict=verdict,
                 text=text_of(parsed) if verdict.valid else None)


@router.post("/verify/text")
async def document_text(request: Request) -> Response:
    """The text form of a certificate or receipt, for the page's script to show after it
    has verified the document in the browser (this says nothing about its signature)."""
    body = await request.body()
    try:
        text = text_of(load_json(body))
    except MalformedError:
        text = None
    if text is None:
        return JSONResponse({"text": None}, status_code=422)
    return JSONResponse({"text": text})
