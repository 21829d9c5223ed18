"""Hostile or mistaken input gets a clear 4xx (HTTP) or a one-line error (CLI), never a
500, a traceback or an echo of what was sent."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from airlock.pipeline import Pipeline
from audit import SYSTEM
from catalog import Contract, Dataset, DatasetState
from intake import UploadTooLargeError
from tests.airlock.conftest import World
from tests.airlock.restored_world import (  # noqa: F401 (fixtures)
    restored_initialised,
    restored_world_itself,
)
from tests.intake.datasets import contract_yaml
from vocabulary import Layout

runner = CliRunner()
DEEP_YAML = "name: deep\npurpose: x\nlayout: " + "[" * 50_000 + "]" * 50_000 + "\n"
MANY_ERRORS = ("name: bad-one\npurpose: training\nlayout: {kind: nope}\n"
               "volume: {min_items: -1, colour: blue}\n")


@pytest.mark.parametrize("value", ["2026-01-01", "2026-01-01T00:00:00", "yesterday"])
@pytest.mark.parametrize("name", ["since", "until"])
def test_audit_times_need_a_utc_offset(client: TestClient, world: World, name: str,
                                       value: str) -> None:
    response = client.get("/v1/audit/events", params={name: value},
                          headers=world.auth("compliance"))
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", name]
    assert value not in response.text


def test_audit_times_with_an_offset_are_accepted(client: TestClient, world: World) -> None:
    response = client.get("/v1/audit/events", headers=world.auth("compliance"),
                          params={"since": "2000-01-01T00:00:00+08:00",
                                  "until": "2999-01-01T00:00:00Z"})
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("path", ["/v1/audit/events", "/v1/audit/checkpoints"])
@pytest.mark.parametrize("after", [str(2**63), "-1", str(10**30)])
def test_audit_paging_is_bounded_to_64_bits(client: TestClient, world: World, path: str,
                                            after: str) -> None:
    response = client.get(path, params={"after": after}, headers=world.auth("compliance"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "after"]
    assert client.get(path, params={"after": str(2**63 - 1)},
                      headers=world.auth("compliance")).json() == []


def test_a_deeply_nested_contract_is_refused_in_one_line(
        client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.post("/v1/contracts", headers=world.auth("admin"),
                               json={"tenant": "own", "yaml": DEEP_YAML})
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == "yaml line 3: nested deeper than 16 levels"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_contract_add_reports_every_error(client: TestClient, world: World,
                                          tmp_path: Path) -> None:
    response = client.post("/v1/contracts", headers=world.auth("admin"),
                           json={"tenant": "own", "yaml": MANY_ERRORS})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("yaml: 3 problems: ")
    for where in ("layout.kind", "volume.min_items", "volume.colour"):
        assert where in detail, where

    for text, expected in ((MANY_ERRORS, ": 3 problems: "),
                           (DEEP_YAML, " line 3: nested deeper than 16 levels")):
        path = tmp_path / "contract.yaml"
        path.write_text(text)
        result = runner.invoke(app, ["contract", "add", str(path), "--tenant", "own"])
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: {path}{expected}")
        assert len(result.stderr.splitlines()) == 1


def test_a_hold_reason_with_bidi_controls_is_refused_unechoed(client: TestClient,
                                                              world: World) -> None:
    reason = "court order \u202e98 ecnerefer"
    response = client.post(f"/v1/datasets/{world.objects['own_dataset']}/holds",
                           headers=world.auth("compliance"), json={"reason": reason})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "reason"]
    assert "\u202e" not in response.text and "ecnerefer" not in response.text
    assert not client.get(f"/v1/datasets/{world.objects['own_dataset']}/holds",
                          headers=world.auth("compliance")).json()


@pytest.mark.parametrize("path", ["/v1/datasets/{}", "/v1/tokens/{}", "/v1/contracts/{}",
                                  "/v1/datasets/{}/certificate"])
def test_a_404_does_not_echo_a_long_path_parameter(client: TestClient, world: World,
                                                   path: str) -> None:
    long_id = "a\u202e" + "x" * 10_000
    method = client.delete if path.startswith("/v1/tokens") else client.get
    response = method(path.format(long_id), headers=world.auth("compliance" if "certificate" in path
                                                              else "admin"))
    assert response.status_code == 404, response.text
    assert len(response.text) < 1000
    assert "\u202e" not in response.text


def test_the_report_of_a_purged_dataset_says_so(client: TestClient, world: World,
                                                instance: Instance) -> None:
    with instance.reading() as session:
        contract = session.get_one(Contract, world.objects["own_contract"])
    instance.settings = instance.settings.model_copy(update={"max_upload_bytes": 10})
    with pytest.raises(UploadTooLargeError):  # a failed upload is purged at once
        Pipeline(instance).receive(SYSTEM, contract, io.BytesIO(world.upload))
    with instance.reading() as session:
        purged = session.scalars(select(Dataset.id).where(
            Dataset.state == DatasetState.PURGED)).one()
    for path, what in (("report", "validation report"),
                       ("anonymisation-report", "anonymisation report")):
        response = client.get(f"/v1/datasets/{purged}/{path}", headers=world.auth("client"))
        assert response.status_code == 404
        assert response.json()["detail"] == \
            f"dataset {purged} was purged: its {what} was deleted with its data"
    result = runner.invoke(app, ["report", purged])
    assert result.exit_code == 1
    assert result.stderr == f"error: dataset {purged} was purged: its validation report " \
                            "was deleted with its data\n"


def test_upload_finds_a_contract_by_name_without_tenant(world: World, tmp_path: Path) -> None:
    archive = tmp_path / "dataset.zip"
    archive.write_bytes(world.upload)
    # Both tenants have a contract of this name: the tenant must be named.
    result = runner.invoke(app, ["upload", str(archive), "--contract", "class-folders"])
    assert result.exit_code == 1
    assert result.stderr == ("error: contract 'class-folders' exists in 2 tenants (other, "
                             "own); name the tenant too\n")
    contract = tmp_path / "solo.yaml"
    contract.write_text(contract_yaml(Layout.CLASS_FOLDERS, name="solo"))
    added = runner.invoke(app, ["contract", "add", str(contract), "--tenant", "own"])
    assert added.exit_code == 0, added.stderr
    result = runner.invoke(app, ["upload", str(archive), "--contract", "solo", "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"outcome": "accepted"' in result.stdout


def test_an_unexpected_long_field_name_is_not_echoed(client: TestClient, world: World) -> None:
    name = "k\u202e" + "y" * 10_000
    response = client.post("/v1/tenants", headers=world.auth("admin"),
                           json={"name": "fine", name: 1})
    assert response.status_code == 422
    assert len(response.text) < 1000 and "\u202e" not in response.text
