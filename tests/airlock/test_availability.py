"""Health never waits on the writer; readiness reports each part; a vault that cannot be
written answers 503, not 500."""

from __future__ import annotations

import io
import shutil
import time

from fastapi.testclient import TestClient
from sqlalchemy import text

from airlock.instance import Instance
from audit import SYSTEM, Actor
from catalog import Contract
from intake import receive_upload
from tests.airlock.conftest import World


def test_health_answers_while_a_write_is_in_progress(client: TestClient,
                                                     instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        tx.session.execute(text("SELECT 1"))  # on SQLite: holds the write lock from here
        began = time.monotonic()
        response = client.get("/v1/health")
        elapsed = time.monotonic() - began
    assert response.status_code == 200
    assert elapsed < 2


def _break_vault(instance: Instance) -> None:
    """The vault folder can no longer take writes. Root ignores file modes, so the folder
    is replaced by a file."""
    vault = instance.settings.vault_dir
    shutil.rmtree(vault)
    vault.write_bytes(b"")


def test_readiness_reports_database_vault_and_queue(client: TestClient, world: World,
                                                    instance: Instance) -> None:
    with instance.reading() as session:
        contract = session.get_one(Contract, world.objects["own_contract"])
    receive_upload(instance.transactions(SYSTEM), instance.vault, contract,
                   io.BytesIO(world.upload), 10**9)
    ready = client.get("/v1/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True
    assert body["database"]["ok"] and body["vault"]["ok"]
    assert body["queue"]["waiting_validation"] == 1
    assert body["queue"]["waiting_anonymisation"] == 0
    assert body["queue"]["oldest_waiting_seconds"] >= 0

    _break_vault(instance)
    down = client.get("/v1/ready")
    assert down.status_code == 503
    body = down.json()
    assert body["ready"] is False and body["database"]["ok"] is True
    assert body["vault"] == {"ok": False,
                             "detail": "the local vault cannot be written: Not a directory"}
    assert str(instance.settings.home) not in down.text
    assert client.get("/v1/health").status_code == 200  # liveness is the database only


def test_an_unwritable_vault_answers_503(client: TestClient, world: World,
                                         instance: Instance) -> None:
    _break_vault(instance)
    response = client.post("/v1/datasets", params={"contract": world.objects["own_contract"]},
                           headers=world.auth("client"), content=world.upload)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    assert "storage is unavailable" in response.json()["detail"]
    assert str(instance.settings.home) not in response.text


def test_text_requests_are_capped_per_token(client: TestClient, world: World) -> None:
    """`/v1/pii` runs the models on threads of its own; a token past its cap gets 429
    before any work, and other tokens go on."""
    gates = client.app.state.gates  # type: ignore[attr-defined]
    token_id = world.tokens["client"].split("_")[1]  # alk_<id>_<secret>
    holder = Actor(id=f"token:{token_id}", role="client", tenant_id=world.own_tenant)
    body = {"texts": ["张三的电话是13412342782"]}
    with gates.pii.admit(holder, world.own_tenant), gates.pii.admit(holder, world.own_tenant):
        busy = client.post("/v1/pii/anonymize", headers=world.auth("client"), json=body)
        other = client.post("/v1/pii/analyze", headers=world.auth("operator"), json=body)
    assert busy.status_code == 429, busy.text
    assert busy.headers["Retry-After"] == "1"
    assert "this token has 2 text requests in flight" in busy.json()["detail"]
    assert other.status_code == 200
    again = client.post("/v1/pii/anonymize", headers=world.auth("client"), json=body)
    assert again.status_code == 200
    assert "13412342782" not in again.text
