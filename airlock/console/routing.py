"""How console routes run: CSRF on every form, sign-in redirects, errors as pages, and the
same permission checks as the API with the actor of the session cookie."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from airlock.api.deps import DatasetAccess, InstanceDep, Requires
from airlock.api.problems import DOMAIN_ERROR_STATUS, Problem
from airlock.console.render import render
from airlock.console.sessions import (
    COOKIE,
    SIGN_IN_COOKIE,
    SessionEnded,
    csrf_matches,
    session_actor,
)
from airlock.permissions import Permission
from audit import Actor

SAFE_METHODS = frozenset({"GET", "HEAD"})
_MAX_NEXT = 200


class SignInRequired(Exception):
    """No session in force: the page redirects to the sign-in form."""


def local_path(candidate: str | None) -> str:
    """`candidate` if it is a path on this site ("/datasets?x=1"), else "/": a sign-in
    never sends the browser elsewhere."""
    if (not candidate or not candidate.startswith("/") or candidate.startswith("//")
            or "\\" in candidate or len(candidate) > _MAX_NEXT):
        return "/"
    return candidate


def _sign_in_redirect(request: Request, expired: bool) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = f"next={quote(local_path(target), safe='')}" + ("&expired=1" if expired else "")
    response = RedirectResponse(f"/sign-in?{query}", status_code=303)
    if expired:
        response.delete_cookie(COOKIE, path="/")
    return response


def error_page(request: Request, status: int, detail: str) -> Response:
    return render(request, "error.html", getattr(request.state, "actor", None), status=status,
                  status_code=status, phrase=HTTPStatus(status).phrase, detail=detail)


async def _csrf_ok(request: Request) -> bool:
    """The form's (or script's) token matches the session's, or before sign-in the sign-in
    form's."""
    presented = request.headers.get("x-csrf-token")
    if presented is None:
        form = await request.form()
        value = form.get("csrf")
        presented = value if isinstance(value, str) else None
    return any(csrf_matches(request.cookies.get(name), presented)
               for name in (COOKIE, SIGN_IN_COOKIE))


def _status_of(exc: Exception) -> int | None:
    return next((code for kind, code in DOMAIN_ERROR_STATUS.items()
                 if isinstance(exc, kind)), None)


class ConsoleRoute(APIRoute):
    """A console page: forms must carry the CSRF token, and what the API would answer with
    a problem document is shown as a page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            if request.method not in SAFE_METHODS and not await _csrf_ok(request):
                return error_page(request, 403, "csrf")
            try:
                return await handler(request)
            except SignInRequired as exc:
                return _sign_in_redirect(request, expired=bool(exc.args))
            except Problem as exc:
                return error_page(request, exc.status, exc.detail)
            except StarletteHTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except RequestValidationError:
                return error_page(request, 400, "invalid")
            except Exception as exc:
                status = _status_of(exc)
                if status is None:
                    raise
                return error_page(request, status, str(exc))

        return run


def page_actor(request: Request, instance: InstanceDep) -> Actor:
    """The person signed in; SignInRequired (a redirect) when nobody is."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise SignInRequired
    try:
        actor = session_actor(instance, cookie)
    except SessionEnded:
        raise SignInRequired("expired") from None
    request.state.actor = actor
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


class PageRequires:
    """The API's `Requires`, for the person signed in (403 page, audited, if the role lacks
    the permission)."""

    def __init__(self, permission: Permission) -> None:
        self.check = Requires(permission)

    def __call__(self, request: Request, instance: InstanceDep, actor: PageActor) -> Actor:
        return self.check(request, instance, actor)


class PageDatasetAccess:
    """The API's `DatasetAccess`, for the person signed in (403 for the role, 404 for a
    dataset out of their reach, as an unknown one)."""

    def __init__(self, permission: Permission) -> None:
        self.check = DatasetAccess(permission)

    def __call__(self, dataset_id: str, request: Request, instance: InstanceDep,
                 actor: PageActor) -> Actor:
        return self.check(dataset_id, request, instance, actor)
