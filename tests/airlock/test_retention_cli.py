"""`airlock retention run` and `airlock certificate show|verify` through the real CLI, and
`GET /v1/datasets/{id}/certificate` through the real HTTP app."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from airlock.admin import create_token
from airlock.api.app import create_app
from airlock.cli.main import app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import AuditEventRecord, Role
from tests.retention import datasets

runner = CliRunner()
LONG_AGO = datetime.now(UTC) - timedelta(days=45)


def test_dry_run_then_run_then_the_certificate(instance: Instance) -> None:
    found = datasets.contract(instance)
    dataset_id = datasets.trained(instance, found, LONG_AGO)

    dry = runner.invoke(app, ["retention", "run", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] and [(e["dataset_id"], e["action"]) for e in
                                   planned["entries"]] == [(dataset_id, "would purge")]
    assert instance.vault.list_objects(dataset_id)

    done = runner.invoke(app, ["retention", "run"])
    assert done.exit_code == 0, done.output
    assert dataset_id in done.stdout and "1 purged, 0 held, 0 failed" in done.stdout
    assert instance.vault.list_objects(dataset_id) == []
    assert runner.invoke(app, ["retention", "run"]).stdout.strip() == "nothing is due"

    shown = runner.invoke(app, ["certificate", "show", dataset_id])
    assert shown.exit_code == 0, shown.output
    assert "CERTIFICATE OF DATA DELETION" in shown.stdout and dataset_id in shown.stdout
    assert "PASSED" in shown.stdout
    signed = json.loads(runner.invoke(app, ["certificate", "show", dataset_id, "--json"]).stdout)
    assert signed["subject"]["dataset_id"] == dataset_id and signed["signature"]

    status = runner.invoke(app, ["status", dataset_id]).stdout.splitlines()
    assert [line.split() for line in status if line.startswith(("id ", "state "))] == [
        ["id", dataset_id], ["state", "purged"]]

    verified = runner.invoke(app, ["certificate", "verify", dataset_id])
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("valid: certificate")


def test_verify_fails_when_the_log_under_the_certificate_was_rewritten(
        instance: Instance) -> None:
    found = datasets.contract(instance)
    dataset_id = datasets.trained(instance, found, LONG_AGO)
    assert runner.invoke(app, ["retention", "run"]).exit_code == 0
    with instance.transaction(SYSTEM) as tx:
        first = tx.session.execute(select(AuditEventRecord).where(
            AuditEventRecord.dataset_id == dataset_id).order_by(AuditEventRecord.seq)
            .limit(1)).scalar_one()
        tx.session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == first.seq)
                           .values(outcome="denied"))
    result = runner.invoke(app, ["certificate", "verify", dataset_id])
    assert result.exit_code == 1
    assert "no longer match the signed checkpoint" in result.stderr


def test_no_certificate_before_the_purge(instance: Instance) -> None:
    found = datasets.contract(instance)
    dataset_id = datasets.ready(instance, found)
    result = runner.invoke(app, ["certificate", "show", dataset_id])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: deletion certificate of dataset")


def test_over_http_the_client_reads_its_own_certificate(instance: Instance) -> None:
    found = datasets.contract(instance, tenant="acme")
    other = datasets.contract(instance, tenant="other")
    own_id = datasets.trained(instance, found, LONG_AGO)
    other_id = datasets.trained(instance, other, LONG_AGO)
    assert runner.invoke(app, ["retention", "run"]).exit_code == 0
    with instance.transaction(SYSTEM) as tx:
        client = create_token(tx, name="c", role=Role.CLIENT, tenant="acme").plaintext
        compliance = create_token(tx, name="k", role=Role.COMPLIANCE, tenant=None).plaintext
    with TestClient(create_app(instance)) as api:
        def get(token: str, dataset_id: str, **params: str):  # type: ignore[no-untyped-def]
            return api.get(f"/v1/datasets/{dataset_id}/certificate", params=params,
                           headers={"Authorization": f"Bearer {token}"})

        own = get(client, own_id)
        assert own.status_code == 200 and own.json()["subject"]["dataset_id"] == own_id
        assert get(client, other_id).status_code == 404  # as for an unknown dataset
        assert get(compliance, other_id).status_code == 200
        text = get(compliance, own_id, format="text")
        assert text.status_code == 200 and text.text.startswith("CERTIFICATE OF DATA")
