"""Request ids and the access log: every request gets an id (the caller's `X-Request-ID` when
it is a plain token, else a new one), returned in `X-Request-ID`, set for everything the
request does (its log lines, its audit events, the background steps it starts), and one
access-log line when its response is sent: method, route template, status, duration."""

from __future__ import annotations

import logging
import secrets
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airlock.metrics.http import route_template
from audit import current_request_id, valid_request_id

log = logging.getLogger("airlock.access")

HEADER = "X-Request-ID"


def request_id_of(incoming: str | None) -> str:
    """The caller's id if it is one we may log and record, else a new one (another
    service's ids correlate; a path, a label value or a newline never reaches the log)."""
    return incoming if incoming is not None and valid_request_id(incoming) \
        else secrets.token_hex(16)


class RequestIds:
    """Pure ASGI, so that the id stays set through the response and the background tasks
    Starlette runs after it (an upload's validation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(Headers(scope=scope).get(HEADER))
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        code, logged = 500, False

        def finished() -> None:
            nonlocal logged
            logged = True
            log.info("request", extra={
                "method": scope["method"], "route": route_template(scope), "status": code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)})

        async def sending(message: Message) -> None:
            nonlocal code
            if message["type"] == "http.response.start":
                code = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                finished()  # before any background task, whose time is not the request's

        try:
            await self.app(scope, receive, sending)
        finally:
            if not logged:
                finished()
            current_request_id.reset(token)
