"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from airlock.instance import InstanceError
from catalog import CatalogError, IllegalTransitionError, LegalHoldError, NotFoundError
from catalog.errors import shown
from vault import VaultError

log = logging.getLogger("airlock.api")

PROBLEM_JSON = "application/problem+json"
MAX_INSTANCE = 200  # characters of the request path echoed as the problem's `instance`


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extra = extra


def problem_response(request: Request, status: int, detail: str,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail, "instance": shown(request.url.path, MAX_INSTANCE), **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the submitted values: they may hold personal data or secrets.
    # A location may hold a key the caller chose (an unexpected field): cut and cleaned.
    return [{"loc": [shown(p) if isinstance(p, str) else p for p in err.get("loc", ())],
             "msg": err.get("msg", ""),
             "type": err.get("type", "")} for err in exc.errors()]


# Errors a caller can cause, most specific first: the first match decides the status.
DOMAIN_ERROR_STATUS: dict[type[Exception], int] = {
    NotFoundError: 404,
    CatalogError: 409,
    IllegalTransitionError: 409,
    LegalHoldError: 409,
    InstanceError: 503,
    ValueError: 400,
}


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in DOMAIN_ERROR_STATUS.items() if isinstance(exc, kind))
    return problem_response(request, status, str(exc))


# The vault's backends fail with these: a read-only or full disk, an unreachable bucket.
STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, VaultError)


async def _storage_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Their messages may name paths or objects: only the kind and the OS reason are logged.
    reason = exc.strerror if isinstance(exc, OSError) else None
    log.error("storage failure on %s %s: %s%s", request.method,
              getattr(request.scope.get("route"), "path", "?"), type(exc).__name__,
              f" ({reason})" if reason else "")
    return problem_response(request, 503, "the storage is unavailable (read-only, full or "
                            "unreachable); retry later or tell the operator",
                            {"Retry-After": "30"})


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(request, exc.status_code, str(exc.detail),
                                dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(request, 422, "the request is invalid; see `errors`",
                                errors=_validation_errors(exc))

    for error_type in DOMAIN_ERROR_STATUS:
        app.add_exception_handler(error_type, _domain_error)
    for error_type in STORAGE_ERRORS:
        app.add_exception_handler(error_type, _storage_unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The details stay in the server log (type and traceback, no request data).
        return problem_response(request, 500, "internal error; the operator's log has details")


__all__ = ["Problem", "install_problem_handlers", "problem_response"]
