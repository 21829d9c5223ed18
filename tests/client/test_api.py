"""HTTP answers mapped to the documented exit statuses, and the token kept in its header."""

from __future__ import annotations

import httpx
import pytest

from airlock_client.api import Api
from airlock_client.config import Connection
from airlock_client.errors import ApiError, AuthError, ClientError, ExitCode, NetworkError

TOKEN = "alk_" + "t0ken" * 8


def _api(handler: httpx.MockTransport) -> Api:
    return Api(Connection("http://127.0.0.1:9", TOKEN), transport=handler)


def _answering(status: int, body: object = None, headers: dict[str, str] | None = None,
               ) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in str(request.url)
        return httpx.Response(status, json=body, headers=headers)
    return httpx.MockTransport(handle)


@pytest.mark.parametrize(("status", "kind", "code"), [
    (401, AuthError, ExitCode.AUTH), (403, AuthError, ExitCode.AUTH),
    (400, ApiError, ExitCode.FAILED), (404, ApiError, ExitCode.FAILED),
    (409, ApiError, ExitCode.FAILED), (422, ApiError, ExitCode.FAILED),
    (500, ApiError, ExitCode.FAILED), (503, ApiError, ExitCode.FAILED)])
def test_error_answers_map_to_exit_statuses(status: int, kind: type[ClientError],
                                            code: ExitCode) -> None:
    with _api(_answering(status, {"title": "t", "detail": "what went wrong"})) as api, \
            pytest.raises(kind) as raised:
        api.get("/v1/anything")
    assert raised.value.code is code
    assert "what went wrong" in str(raised.value) and TOKEN not in str(raised.value)


def test_retry_after_is_kept_for_the_retry_policy() -> None:
    with _api(_answering(429, {"detail": "busy"}, {"Retry-After": "12"})) as api, \
            pytest.raises(ApiError) as raised:
        api.get("/v1/uploads")
    assert raised.value.retry_after == "12"


def test_a_broken_connection_is_a_network_error_that_quotes_nothing() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"failed {request.url} {request.headers}")
    with _api(httpx.MockTransport(handle)) as api, pytest.raises(NetworkError) as raised:
        api.get("/v1/datasets", params={"state": "ready"})
    assert raised.value.code is ExitCode.NETWORK
    assert str(raised.value) == "http://127.0.0.1:9: cannot connect"


def test_redirects_are_not_followed() -> None:
    with _api(_answering(307, None, {"Location": "https://elsewhere.example/"})) as api:
        assert api.request("GET", "/v1/datasets").status_code == 307
