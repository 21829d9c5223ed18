"""Anonymisation through the real CLI and HTTP API: upload to `ready`, reports, the mapping
behind its own role, PII endpoints for small texts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.admin import approve, create_token, new_tenant
from airlock.api.app import create_app
from airlock.cli.main import app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import AuditEventRecord, Role
from intake import add_contract
from tests.airlock.conftest import compliance_actor
from tests.anonymize.dataset.test_job import _contract, _files
from tests.intake.datasets import pack
from vocabulary import Layout

runner = CliRunner()


def _setup(instance: Instance, mode: str = "deidentify") -> dict[str, str]:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        new_tenant(tx, "other")
        add_contract(tx, "acme", _contract(Layout.CSV_MANIFEST, mode))
        issued = {role: create_token(tx, name=role, role=Role(role), tenant=tenant)
                  for role, tenant in (("client", "acme"), ("reidentifier", "acme"),
                                       ("compliance", None), ("operator", None))} | {
            "stranger": create_token(tx, name="s", role=Role.REIDENTIFIER, tenant="other")}
    with instance.transaction(compliance_actor(issued["compliance"].token_id)) as tx:
        for reidentifier in ("reidentifier", "stranger"):
            approve(tx, issued[reidentifier].token_id)
    return {who: token.plaintext for who, token in issued.items()}


def test_upload_anonymises_and_the_reports_tell_counts_only(instance: Instance,
                                                            tmp_path: Path) -> None:
    _setup(instance)
    archive = tmp_path / "upload.tar"
    archive.write_bytes(pack(_files(Layout.CSV_MANIFEST), "tar"))
    result = runner.invoke(app, ["upload", str(archive), "--contract", "csv-manifest",
                                 "--tenant", "acme"])
    assert result.exit_code == 0, result.stderr
    assert "ACCEPTED" in result.stdout and "ANONYMISED (deidentify)" in result.stdout
    dataset_id = result.stdout.split()[1].rstrip(":")
    status = json.loads(runner.invoke(app, ["status", dataset_id, "--json"]).stdout)
    assert (status["state"], status["anonymisation_mode"]) == ("ready", "deidentify")
    shown = runner.invoke(app, ["report", dataset_id, "--anonymisation", "--json"])
    report = json.loads(shown.stdout)
    assert report["mode"] == "deidentify" and report["by_field"]["caption"]["PERSON"] >= 5
    assert report["operators"]["PERSON"] == "surname"
    assert "张三" not in shown.stdout and "张三" not in result.stdout
    again = runner.invoke(app, ["anonymise", dataset_id])
    assert again.exit_code == 1 and again.stderr.startswith("error: dataset")


def test_a_reidentifier_token_needs_a_tenant(instance: Instance) -> None:
    result = runner.invoke(app, ["token", "create", "--role", "reidentifier"])
    assert result.exit_code == 1 and "needs --tenant" in result.stderr


@pytest.fixture
def api(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as client:
        yield client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_over_http_and_the_mapping_behind_its_own_role(api: TestClient,
                                                       instance: Instance) -> None:
    tokens = _setup(instance)
    created = api.post("/v1/datasets", params={"contract": "csv-manifest"},
                       content=pack(_files(Layout.CSV_MANIFEST), "tar"),
                       headers=_auth(tokens["client"]))
    dataset_id = created.json()["id"]
    status = api.get(f"/v1/datasets/{dataset_id}", headers=_auth(tokens["client"])).json()
    assert status["state"] == "ready"  # the background task ran validation, then this
    report = api.get(f"/v1/datasets/{dataset_id}/anonymisation-report",
                     headers=_auth(tokens["compliance"]))
    assert report.status_code == 200 and report.json()["paths_renamed"] == 2
    for role in ("client", "compliance", "operator"):
        denied = api.get(f"/v1/datasets/{dataset_id}/mapping", headers=_auth(tokens[role]))
        assert denied.status_code == 403, role
    stranger = api.get(f"/v1/datasets/{dataset_id}/mapping", headers=_auth(tokens["stranger"]))
    assert stranger.status_code == 404  # as for an unknown dataset
    mapping = api.get(f"/v1/datasets/{dataset_id}/mapping", headers=_auth(tokens["reidentifier"]))
    assert mapping.status_code == 200
    assert mapping.headers["content-type"] == "application/x-ndjson"
    records = [json.loads(line) for line in mapping.text.splitlines()]
    assert {"images/张三_身份证.jpg", "images/李四.jpg"} <= {r["original"] for r in records}
    with instance.reading() as session:
        read = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "dataset.mapping_read")).scalar_one()
        compliance_id = tokens["compliance"].split("_")[1]  # alk_<id>_<secret>
        assert read.role == "reidentifier"
        assert read.details == {"copies": 1, "approved_by": f"token:{compliance_id}",
                                "request_id": mapping.headers["x-request-id"]}


def test_anonymised_datasets_have_no_mapping(api: TestClient, instance: Instance) -> None:
    tokens = _setup(instance, mode="anonymise")
    dataset_id = api.post("/v1/datasets", params={"contract": "csv-manifest"},
                          content=pack(_files(Layout.CSV_MANIFEST), "tar"),
                          headers=_auth(tokens["client"])).json()["id"]
    mapping = api.get(f"/v1/datasets/{dataset_id}/mapping", headers=_auth(tokens["reidentifier"]))
    assert mapping.status_code == 404 and "no re-identification mapping" in mapping.text


def test_pii_analyze_and_anonymize(api: TestClient, instance: Instance) -> None:
    auth = _auth(_setup(instance)["client"])
    text = "张三的手机是13812345678"
    analysed = api.post("/v1/pii/analyze", json={"texts": [text, "nothing here"]}, headers=auth)
    entities = analysed.json()[0]["entities"]
    assert {(e["type"], text[e["start"]:e["end"]]) for e in entities} >= {
        ("PERSON", "张三"), ("CN_PHONE", "13812345678")}
    assert analysed.json()[1] == {"entities": []}
    done = api.post("/v1/pii/anonymize", json={"texts": [text, text],
                                               "operators": {"PERSON": "pseudonym"}},
                    headers=auth).json()
    assert done[0] == done[1]  # consistent within a request
    assert "张三" not in done[0]["text"] and "138****5678" in done[0]["text"]
    assert [c["operator"] for c in done[0]["changes"]] == ["pseudonym", "mask"]


@pytest.mark.parametrize("body", [
    {"texts": []},
    {"texts": ["x"] * 101},
    {"texts": ["张三" * 5001]},
    {"texts": ["张三"], "operators": {"PERSON": "encrypt"}},
    {"texts": ["张三"], "operators": {"person": "mask"}},
    {"texts": ["张三"], "language": "fr"},
    {"texts": ["张三"], "extra": 1},
])
def test_pii_requests_are_bounded_and_never_echoed(api: TestClient, instance: Instance,
                                                   body: dict[str, object]) -> None:
    response = api.post("/v1/pii/anonymize", json=body,
                        headers=_auth(_setup(instance)["operator"]))
    assert response.status_code == 422
    assert "张三" not in response.text
