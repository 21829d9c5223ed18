"""Sign-in, sign-out and the language switcher."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from airlock.api.auth_failures import FailedAuthentications, too_many, unauthenticated
from airlock.api.deps import InstanceDep
from airlock.auth import AuthenticationError
from airlock.console.i18n import LANGUAGE_COOKIE, LANGUAGES
from airlock.console.render import render, set_cookie
from airlock.console.routing import ConsoleRoute, local_path
from airlock.console.sessions import COOKIE, SIGN_IN_COOKIE, sign_in, sign_out

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
_MAX_TOKEN = 128
_YEAR = 365 * 86400


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None, expired: bool = False) -> Response:
    return render(request, "sign_in.html", None, next=local_path(next), expired=expired,
                  failed=False)


@router.post("/sign-in")
async def sign_in_submit(request: Request, instance: InstanceDep,
                         token: Annotated[str, Form(max_length=_MAX_TOKEN)],
                         next: Annotated[str, Form(max_length=400)] = "/") -> Response:
    """The token travels in the form body only: never in a URL, never logged."""
    failures: FailedAuthentications = request.app.state.auth_failures
    refused = too_many(request, failures)
    if refused is not None:
        return render(request, "sign_in.html", None, status=429, next=local_path(next),
                      expired=False, failed=True)
    try:
        signed = await anyio.to_thread.run_sync(sign_in, instance, token.strip())
    except AuthenticationError as exc:
        reason = str(exc).replace(" ", "_")
        await anyio.to_thread.run_sync(unauthenticated, request, instance, failures, reason)
        return render(request, "sign_in.html", None, status=401, next=local_path(next),
                      expired=False, failed=True)
    response = RedirectResponse(local_path(next), status_code=303)
    set_cookie(response, request, COOKIE, signed.cookie)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@router.post("/sign-out")
async def sign_out_submit(request: Request, instance: InstanceDep) -> Response:
    cookie = request.cookies.get(COOKIE)
    if cookie:
        await anyio.to_thread.run_sync(sign_out, instance, cookie)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(request: Request, language: Annotated[str, Form(max_length=8)],
                    back: Annotated[str, Form(max_length=400)] = "/") -> Response:
    response = RedirectResponse(local_path(back), status_code=303)
    if language in LANGUAGES:
        set_cookie(response, request, LANGUAGE_COOKIE, language, max_age=_YEAR)
    return response
