"""Requests counted and timed by route template, never by raw path (which holds ids)."""

from __future__ import annotations

import time

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airlock.metrics.instruments import HTTP_DURATION, HTTP_REQUESTS

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a scan, a typo): one series for all."""


class RequestMetrics:
    """ASGI middleware: the outermost, so a refusal by an inner one is counted too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees when the app raises before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            HTTP_REQUESTS.labels(route, method, str(status)).inc()
            HTTP_DURATION.labels(route, method).observe(time.perf_counter() - started)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """The template of the route that matched (`/v1/datasets/{dataset_id}`), else
    `unmatched`. The router records the route in the scope once it matched; a request
    refused before routing (too large, rate-limited) is matched here against the app's
    routes."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    app = scope.get("app")
    for candidate in getattr(app, "routes", ()):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            found = getattr(candidate, "path", None)
            return found if isinstance(found, str) else UNMATCHED
    return UNMATCHED
