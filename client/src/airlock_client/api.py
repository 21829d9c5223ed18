"""The one HTTP client every command uses: the token in a header (never in a URL), errors
turned into the documented exit codes, no redirects followed (a redirect could carry the
token elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from airlock_client import __version__
from airlock_client.config import Connection
from airlock_client.errors import ApiError, AuthError, NetworkError

CONNECT_SECONDS = 15.0
READ_SECONDS = 300.0
"""A part's answer comes once the server has encrypted and stored it."""
MAX_ERROR_BYTES = 64 * 1024


class Api:
    def __init__(self, connection: Connection,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = connection.url
        self._client = httpx.Client(
            base_url=connection.url, transport=transport, follow_redirects=False,
            timeout=httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS),
            headers={"Authorization": f"Bearer {connection.token}",
                     "User-Agent": f"airlock-client/{__version__}"})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, content: Any = None,
                headers: Mapping[str, str] | None = None) -> httpx.Response:
        """The answer to one request, or the error it maps to."""
        try:
            response = self._client.request(method, path, params=_drop_none(params), json=json,
                                            content=content, headers=headers)
        except httpx.TransportError as exc:
            raise NetworkError(f"{self.url}: {_transport_reason(exc)}") from None
        check(response)
        return response

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post(self, path: str, json: Any = None,
             params: Mapping[str, Any] | None = None) -> Any:
        response = self.request("POST", path, json=json, params=params)
        return response.json() if response.content else None

    @contextmanager
    def download(self, path: str, params: Mapping[str, Any] | None = None,
                 ) -> Iterator[httpx.Response]:
        """A streamed answer, for bodies of any size (an audit export)."""
        try:
            with self._client.stream("GET", path, params=_drop_none(params)) as response:
                if response.is_error:
                    response.read()
                check(response)
                yield response
        except httpx.TransportError as exc:
            raise NetworkError(f"{self.url}: {_transport_reason(exc)}") from None


def check(response: httpx.Response) -> None:
    """Raise the error an answer means: 401 and 403 are authentication (exit 4), any other
    4xx or 5xx a refusal or failure (exit 1)."""
    if not response.is_error:
        return
    detail = problem_detail(response)
    if response.status_code in (401, 403):
        raise AuthError(f"{response.status_code}: {detail}")
    raise ApiError(response.status_code, detail, response.headers.get("retry-after"))


def problem_detail(response: httpx.Response) -> str:
    """The RFC 9457 `detail` (or `title`) of an error answer, else its reason phrase."""
    if len(response.content) <= MAX_ERROR_BYTES and \
            response.headers.get("content-type", "").split(";")[0].endswith("json"):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in ("detail", "title"):
                if isinstance(body.get(key), str):
                    return str(body[key])
    return response.reason_phrase or "error"


def _transport_reason(exc: httpx.TransportError) -> str:
    """The kind of failure only: httpx messages may quote the request."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    return "the connection broke"


def _drop_none(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if params is None else {k: v for k, v in params.items() if v is not None}
