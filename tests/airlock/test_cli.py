"""The CLI in process (Typer's CliRunner) against a real instance."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import InitResult, Instance
from airlock.settings import Settings
from catalog import AuditEventRecord

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_is_idempotent_and_shows_the_admin_token_once(settings: Settings) -> None:
    code, out, _ = _run("init", "--json")
    first = json.loads(out)
    assert code == 0 and first["created"] and first["admin_token"].startswith("alk_")
    assert (settings.home / "master-key.json").stat().st_mode & 0o777 == 0o600
    assert settings.home.stat().st_mode & 0o777 == 0o700
    code, out, _ = _run("init", "--json")
    assert code == 0 and json.loads(out) == {**first, "created": False, "admin_token": None}


def test_commands_need_an_initialised_instance(settings: Settings) -> None:
    code, out, err = _run("tenant", "list")
    assert code == 1 and out == ""
    assert err.strip().startswith("error:") and "airlock init" in err
    assert len(err.strip().splitlines()) == 1


def test_tenant_and_token_lifecycle(initialised: InitResult) -> None:
    code, out, _ = _run("tenant", "create", "acme", "--json")
    assert code == 0 and json.loads(out)["name"] == "acme"
    code, _, err = _run("tenant", "create", "acme")
    assert code == 1 and err == "error: tenant 'acme' already exists\n"
    code, out, _ = _run("tenant", "list", "--json")
    assert [t["name"] for t in json.loads(out)] == ["acme"]

    code, out, _ = _run("token", "create", "--role", "client", "--tenant", "acme", "--json")
    token = json.loads(out)
    assert code == 0 and token["token"].startswith(f"alk_{token['id']}_")
    code, out, _ = _run("token", "list", "--tenant", "acme", "--json")
    assert [t["id"] for t in json.loads(out)] == [token["id"]]
    assert token["token"] not in out
    code, out, _ = _run("token", "revoke", token["id"], "--json")
    assert code == 0 and json.loads(out)["revoked_at"]
    code, _, err = _run("token", "create", "--role", "client")
    assert code == 1 and "tenant" in err
    code, _, err = _run("token", "create", "--role", "wizard")
    assert code == 2


def test_human_output_is_a_table(initialised: InitResult) -> None:
    _run("tenant", "create", "acme")
    code, out, _ = _run("tenant", "list")
    assert code == 0 and "acme" in out and "name" in out


def test_audit_verify_and_events(initialised: InitResult, instance: Instance) -> None:
    _run("tenant", "create", "acme")
    code, out, _ = _run("audit", "verify")
    assert code == 0 and out.startswith("intact:")
    code, out, _ = _run("audit", "events", "--json", "--action", "tenant.created")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [e["action"] for e in lines] == ["tenant.created"]
    code, out, _ = _run("audit", "events", "--after", "1", "--limit", "1", "--json")
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [2]
    code, out, _ = _run("audit", "events", "--since", "2000-01-01T00:00:00", "--json")
    assert code == 0 and len(out.splitlines()) >= 3

    with instance.sessions() as session, session.begin():
        session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 2)
                        .values(outcome="denied"))
    code, out, err = _run("audit", "verify", "--json")
    result = json.loads(out)
    assert code == 1 and result["intact"] is False and result["first_bad_seq"] == 2
    code, _, err = _run("audit", "verify")
    assert code == 1 and "event 2" in err


def test_event_types_reference(initialised: InitResult) -> None:
    code, out, _ = _run("audit", "event-types", "--json")
    assert code == 0 and "access.denied" in json.loads(out)


@pytest.mark.parametrize("args", [["tenant"], ["token"], ["audit"], ["vault"], []])
def test_groups_print_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert "Usage" in result.output


def test_token_names_are_validated(initialised: InitResult) -> None:
    code, _, err = _run("token", "create", "--role", "operator", "--name", "张三\n")
    assert code == 1 and "token name" in err
