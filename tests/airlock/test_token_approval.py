"""Re-identification needs two people: the admin issues a reidentifier token and a
compliance officer approves it. Until then the token is refused; every mapping read names
both the token and its approver."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from airlock.auth import AuthenticationError, authenticate, issue_token
from airlock.cli.main import app
from airlock.instance import Instance
from catalog import AuditEventRecord, make_engine, upgrade
from catalog.base import utcnow
from tests.airlock.conftest import World

runner = CliRunner()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _issue(client: TestClient, world: World, role: str = "reidentifier") -> dict[str, Any]:
    created = client.post("/v1/tokens", headers=world.auth("admin"),
                          json={"name": "dpo", "role": role, "tenant": "own"})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _events(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action).order_by(AuditEventRecord.seq)).scalars())


def test_a_reidentifier_token_works_once_compliance_approves_it(
        client: TestClient, world: World, instance: Instance) -> None:
    issued = _issue(client, world)
    assert (issued["approved_by"], issued["approved_at"]) == (None, None)
    mapping = f"/v1/datasets/{world.objects['own_dataset']}/mapping"
    for path in (mapping, "/v1/whoami"):
        refused = client.get(path, headers=_bearer(issued["token"]))
        assert refused.status_code == 401, path
    approve = f"/v1/tokens/{issued['id']}/approve"
    # The admin who issued it cannot approve it, nor any other role but compliance.
    for role in ("admin", "client", "operator", "reidentifier"):
        assert client.post(approve, headers=world.auth(role)).status_code == 403, role
    approved = client.post(approve, headers=world.auth("compliance"))
    assert approved.status_code == 200, approved.text
    officer = client.get("/v1/whoami", headers=world.auth("compliance")).json()["actor"]
    assert approved.json()["approved_by"] == officer and approved.json()["approved_at"]

    read = client.get(mapping, headers=_bearer(issued["token"]))
    assert read.status_code == 200 and read.text
    approval = _events(instance, "token.approved")[-1]
    assert approval.actor == officer and approval.role == "compliance"
    assert issued["id"] in repr(approval.object_ids) + repr(approval.details)
    mapping_read = _events(instance, "dataset.mapping_read")[-1]
    assert mapping_read.actor == f"token:{issued['id']}"
    assert mapping_read.details["approved_by"] == officer


def test_compliance_cannot_issue_tokens(client: TestClient, world: World) -> None:
    refused = client.post("/v1/tokens", headers=world.auth("compliance"),
                          json={"name": "self", "role": "reidentifier", "tenant": "own"})
    assert refused.status_code == 403


def test_what_cannot_be_approved(client: TestClient, world: World) -> None:
    operator = _issue(client, world, role="operator")
    revoked = _issue(client, world)
    client.delete(f"/v1/tokens/{revoked['id']}", headers=world.auth("admin"))
    twice = _issue(client, world)
    officer = world.auth("compliance")
    assert client.post(f"/v1/tokens/{twice['id']}/approve", headers=officer).status_code == 200
    for token_id, status, says in ((operator["id"], 409, "only reidentifier tokens"),
                                   (revoked["id"], 409, "revoked"),
                                   (twice["id"], 409, "already approved"),
                                   ("nosuchtoken", 404, "not found")):
        answer = client.post(f"/v1/tokens/{token_id}/approve", headers=officer)
        assert answer.status_code == status and says in answer.json()["detail"], token_id
    assert client.get("/v1/whoami", headers=_bearer(revoked["token"])).status_code == 401


def test_the_http_error_names_the_field_and_the_cli_its_flag(
        client: TestClient, world: World, instance: Instance) -> None:
    for role, body in (("client", {}), ("reidentifier", {}), ("compliance", {"tenant": "own"}),
                       ("admin", {"tenant": "own"})):
        answer = client.post("/v1/tokens", headers=world.auth("admin"),
                             json={"name": "x", "role": role, **body})
        detail = answer.json()["detail"]
        assert answer.status_code == 400 and "`tenant`" in detail, detail
        assert "--tenant" not in detail
    result = runner.invoke(app, ["token", "create", "--role", "client"])
    assert result.exit_code == 1 and "needs --tenant" in result.stderr
    result = runner.invoke(app, ["token", "create", "--role", "compliance", "--tenant", "own"])
    assert result.exit_code == 1 and "leave out --tenant" in result.stderr


def test_the_cli_issues_a_pending_reidentifier_token(instance: Instance, world: World) -> None:
    result = runner.invoke(app, ["token", "create", "--role", "reidentifier",
                                 "--tenant", "own", "--json"])
    assert result.exit_code == 0, result.stderr
    issued = result.stdout
    assert '"approved_by":null' in issued.replace(" ", "")
    plain = runner.invoke(app, ["token", "create", "--role", "reidentifier", "--tenant", "own"])
    assert "pending" in plain.stdout and "/approve" in plain.stdout
    with instance.reading() as session, pytest.raises(AuthenticationError, match="approval"):
        token = plain.stdout.split("store it now): ")[1].split()[0]
        authenticate(session, token)


def test_the_cli_approves_with_the_officers_own_token(instance: Instance,
                                                      world: World) -> None:
    created = runner.invoke(app, ["token", "create", "--role", "reidentifier",
                                  "--tenant", "own", "--json"])
    token_id = json.loads(created.stdout)["id"]
    for who in ("admin", "operator"):
        refused = runner.invoke(app, ["token", "approve", token_id],
                                env={"AIRLOCK_TOKEN": world.tokens[who]})
        assert refused.exit_code == 1 and "cannot approve" in refused.stderr, who
    unknown = runner.invoke(app, ["token", "approve", token_id],
                            env={"AIRLOCK_TOKEN": issue_token().plaintext})
    assert unknown.exit_code == 1 and "unknown token" in unknown.stderr
    approved = runner.invoke(app, ["token", "approve", token_id, "--json"],
                             env={"AIRLOCK_TOKEN": world.tokens["compliance"]})
    assert approved.exit_code == 0, approved.stderr
    officer = f"token:{world.tokens['compliance'].split('_')[1]}"  # alk_<id>_<secret>
    assert json.loads(approved.stdout)["approved_by"] == officer
    assert _events(instance, "token.approved")[-1].actor == officer


def test_reidentifier_tokens_of_an_older_instance_are_pending_after_the_upgrade(
        tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(engine, "0005")
        issued = issue_token()
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO tenants (id, name, created_at) "
                                    "VALUES ('t1', 'acme', :now)"), {"now": utcnow()})
            connection.execute(text(
                "INSERT INTO api_tokens (id, name, role, tenant_id, secret_sha256, created_at)"
                " VALUES (:id, 'dpo', 'reidentifier', 't1', :sha, :now)"),
                {"id": issued.token_id, "sha": issued.secret_sha256, "now": utcnow()})
        upgrade(engine)
        with Session(engine) as session, pytest.raises(AuthenticationError, match="approval"):
            authenticate(session, issued.plaintext)
    finally:
        engine.dispose()
