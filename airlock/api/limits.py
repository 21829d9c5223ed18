"""Request body size limit, enforced on the declared length and on the bytes received."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from airlock.api.problems import MAX_INSTANCE, PROBLEM_JSON
from catalog.errors import shown


class BodySizeLimit:
    """Refuses bodies over `limit` bytes with 413; `exempt` paths, and paths matching
    `exempt_pattern`, stream under their own."""

    def __init__(self, app: ASGIApp, limit: int, exempt: Iterable[str] = (),
                 exempt_pattern: str | None = None) -> None:
        self.app = app
        self.limit = limit
        self.exempt = tuple(exempt)
        self.exempt_pattern = re.compile(exempt_pattern) if exempt_pattern else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt or (
                self.exempt_pattern is not None
                and self.exempt_pattern.fullmatch(scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            # FastAPI turns exceptions raised while reading a body into 400s, so answer
            # 413 here and tell the app the client left; whatever it sends then is dropped.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps({
            "type": "about:blank", "title": "Content Too Large", "status": 413,
            "detail": f"the request body exceeds {self.limit} bytes",
            "instance": shown(scope["path"], MAX_INSTANCE),
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
