"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from airlock.instance import InstanceError
from catalog import CatalogError, ConflictError, IllegalTransitionError, NotFoundError
from catalog.models import LegalHoldError

PROBLEM_JSON = "application/problem+json"


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
            "detail": detail, "instance": request.url.path, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the submitted values: they may hold personal data or secrets.
    return [{"loc": list(err.get("loc", ())), "msg": err.get("msg", ""),
             "type": err.get("type", "")} for err in exc.errors()]


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

    @app.exception_handler(CatalogError)
    async def _catalog(request: Request, exc: CatalogError) -> JSONResponse:
        status = 404 if isinstance(exc, NotFoundError) else 409
        return problem_response(request, status, str(exc))

    @app.exception_handler(IllegalTransitionError)
    async def _transition(request: Request, exc: IllegalTransitionError) -> JSONResponse:
        return problem_response(request, 409, str(exc))

    @app.exception_handler(LegalHoldError)
    async def _hold(request: Request, exc: LegalHoldError) -> JSONResponse:
        return problem_response(request, 409, str(exc))

    @app.exception_handler(ValueError)
    async def _value(request: Request, exc: ValueError) -> JSONResponse:
        return problem_response(request, 400, str(exc))

    @app.exception_handler(InstanceError)
    async def _instance(request: Request, exc: InstanceError) -> JSONResponse:
        return problem_response(request, 503, str(exc))


__all__ = ["ConflictError", "Problem", "install_problem_handlers", "problem_response"]
