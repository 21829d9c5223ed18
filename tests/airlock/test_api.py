from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from airlock.api.app import create_app
from airlock.cli.main import app as cli
from airlock.instance import Instance
from tests.airlock.conftest import World
from tests.airlock.restored_world import (  # noqa: F401 (fixtures)
    restored_initialised,
    restored_world_itself,
)


def test_health_is_open(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["database"] in ("sqlite", "postgresql")


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert "/v1/tokens" in client.get("/openapi.json").json()["paths"]
    page = client.get("/docs")
    assert page.status_code == 200
    # Everything the page loads comes from this server: nothing from a CDN.
    loaded = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert loaded and not [url for url in loaded if "//" in url]
    assert "url: '/openapi.json'" in page.text
    for url in loaded:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 500, url
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in script.headers["content-type"]
    assert client.get("/redoc").status_code == 404  # its script exists only on a CDN
    assert client.get("/docs/assets/%2e%2e/__init__.py").status_code == 404  # no climbing


def test_token_secret_is_shown_once_and_works(client: TestClient, world: World) -> None:
    created = client.post("/v1/tokens", headers=world.auth("admin"),
                          json={"name": "pipeline", "role": "client", "tenant": "own"})
    assert created.status_code == 201
    secret = created.json()["token"]
    me = client.get("/v1/whoami", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["role"] == "client" and me["tenant_id"] == world.own_tenant
    listed = client.get("/v1/tokens", headers=world.auth("admin")).json()
    assert all("token" not in t for t in listed)
    assert secret not in client.get("/v1/tokens", headers=world.auth("admin")).text


def test_revoked_token_is_refused(client: TestClient, world: World) -> None:
    created = client.post("/v1/tokens", headers=world.auth("admin"),
                          json={"name": "short", "role": "operator"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/v1/whoami", headers=headers).status_code == 200
    assert client.delete(f"/v1/tokens/{created['id']}",
                         headers=world.auth("admin")).status_code == 200
    refused = client.get("/v1/whoami", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    again = client.delete(f"/v1/tokens/{created['id']}", headers=world.auth("admin"))
    assert again.status_code == 409


def test_errors_are_problem_documents(client: TestClient, world: World) -> None:
    missing = client.get("/v1/tenants/nobody", headers=world.auth("admin"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "tenant 'nobody' not found"
    dup = client.post("/v1/tenants", headers=world.auth("admin"), json={"name": "own"})
    assert dup.status_code == 409 and "already exists" in dup.json()["detail"]
    bad = client.post("/v1/tenants", headers=world.auth("admin"), json={"name": "No Way"})
    assert bad.status_code == 400


def test_validation_errors_do_not_echo_input(client: TestClient, world: World) -> None:
    secret_value = "张三 13812345678"
    response = client.post("/v1/tokens", headers=world.auth("admin"),
                           json={"name": secret_value, "role": "client"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]
    assert secret_value not in response.text


def test_client_token_requires_tenant(client: TestClient, world: World) -> None:
    response = client.post("/v1/tokens", headers=world.auth("admin"),
                           json={"name": "c", "role": "client"})
    assert response.status_code == 400 and "tenant" in response.json()["detail"]


def test_oversized_bodies_are_refused(client: TestClient, world: World,
                                      instance: Instance) -> None:
    limit = instance.settings.max_request_bytes
    big = b'{"name": "' + b"a" * limit + b'"}'
    declared = client.post("/v1/tenants", headers={**world.auth("admin"),
                                                   "content-type": "application/json"},
                           content=big)
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"

    def chunks() -> Iterator[bytes]:
        yield big[: limit // 2]
        yield big[limit // 2:]

    streamed = client.post("/v1/tenants", headers={**world.auth("admin"),
                                                   "content-type": "application/json"},
                           content=chunks())
    assert streamed.status_code == 413


def test_audit_events_filter_and_page(client: TestClient, world: World) -> None:
    headers = world.auth("compliance")
    events = client.get("/v1/audit/events", headers=headers, params={"limit": 3}).json()
    assert [e["seq"] for e in events] == [1, 2, 3]
    rest = client.get("/v1/audit/events", headers=headers, params={"after": 3}).json()
    assert rest[0]["seq"] == 4
    own = client.get("/v1/audit/events", headers=headers,
                     params={"tenant": world.own_tenant, "action": "tenant.created"}).json()
    assert len(own) == 1 and own[0]["tenant_id"] == world.own_tenant
    verified = client.get("/v1/audit/verify", headers=headers).json()
    assert verified["intact"] is True


def test_a_verification_is_audited_by_the_api_and_the_cli(client: TestClient,
                                                          world: World) -> None:
    headers = world.auth("compliance")
    assert client.get("/v1/audit/verify", headers=headers).json()["intact"] is True
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    recorded = client.get("/v1/audit/events", headers=headers,
                          params={"action": "audit.verified"}).json()
    assert [e["actor"].split(":")[0] for e in recorded] == ["token", "cli"]
    assert {e["outcome"] for e in recorded} == {"success"}


def test_audit_events_filter_by_outcome(client: TestClient, world: World) -> None:
    headers = world.auth("compliance")
    assert client.get("/v1/audit/events", headers=world.auth("client")).status_code == 403
    denied = client.get("/v1/audit/events", headers=headers,
                        params={"outcome": "denied", "limit": 1000}).json()
    assert denied and {e["outcome"] for e in denied} == {"denied"}
    assert denied[-1]["action"] == "access.denied"
    successes = client.get("/v1/audit/events", headers=headers,
                           params={"outcome": "success", "limit": 1000}).json()
    assert successes and {e["outcome"] for e in successes} == {"success"}
    assert client.get("/v1/audit/events", headers=headers,
                      params={"outcome": "maybe"}).status_code == 422


def test_unexpected_errors_are_problem_documents(instance: Instance) -> None:
    app = create_app(instance)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/v1/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in response.text
