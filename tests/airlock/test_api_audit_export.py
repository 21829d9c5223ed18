"""Audit downloads over HTTP: every event the filters select as CSV (streamed, no row
limit, safe to open in a spreadsheet) and the verifiable bundle as a zip."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from airlock.instance import Instance
from airlock_client.bundle_verifier import verify_bundle
from audit import Actor
from audit.csv_export import CSV_COLUMNS
from audit.events import TenantCreated
from catalog import AuditEventRecord
from tests.airlock.conftest import World
from tests.airlock.restored_world import (  # noqa: F401 (fixtures)
    restored_initialised,
    restored_world_itself,
)
from tests.airlock.test_access_matrix import ROLES

CSV_PATH = "/v1/audit/events.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _count(instance: Instance, action: str) -> int:
    with instance.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEventRecord).where(
            AuditEventRecord.action == action)).scalar_one()


def test_the_csv_holds_what_the_filters_select(client: TestClient, world: World) -> None:
    headers = world.auth("compliance")
    dataset = world.objects["own_dataset"]
    params = {"dataset": dataset, "action": "dataset.state_changed"}
    answer = client.get(CSV_PATH, headers=headers, params=params)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "no-store"
    rows = _rows(answer.text)
    assert answer.text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    expected = client.get("/v1/audit/events", headers=headers,
                          params={**params, "limit": 1000}).json()
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in expected]
    assert len(rows) >= 3  # uploaded -> validated -> anonymised, at least
    assert all(r["dataset_id"] == dataset and r["action"] == "dataset.state_changed"
               for r in rows)
    # The other filters narrow it too: a tenant, an outcome, a time window, an actor.
    other = _rows(client.get(CSV_PATH, headers=headers,
                             params={"tenant": world.other_tenant}).text)
    assert other and all(r["tenant_id"] == world.other_tenant for r in other)
    denied = _rows(client.get(CSV_PATH, headers=headers, params={"outcome": "denied"}).text)
    assert all(r["outcome"] == "denied" for r in denied)
    first = rows[0]
    window = _rows(client.get(CSV_PATH, headers=headers, params={
        **params, "since": first["at"], "until": rows[1]["at"]}).text)
    assert [r["seq"] for r in window] == [first["seq"]]
    by = _rows(client.get(CSV_PATH, headers=headers, params={"by": first["actor"]}).text)
    assert by and all(r["actor"] == first["actor"] for r in by)


def test_the_csv_has_no_row_limit(client: TestClient, world: World,
                                  instance: Instance) -> None:
    with instance.transaction(Actor(id="bulk", role="admin")) as tx:
        for n in range(2100):  # more than two of the export's batches of 1,000
            tx.record(TenantCreated(tenant=f"t{n}"))
    rows = _rows(client.get(CSV_PATH, headers=world.auth("compliance"),
                            params={"by": "bulk"}).text)
    assert len(rows) == 2100
    assert [int(r["seq"]) for r in rows] == sorted(int(r["seq"]) for r in rows)
    everything = _rows(client.get(CSV_PATH, headers=world.auth("compliance")).text)
    assert [int(r["seq"]) for r in everything] == list(range(1, len(everything) + 1))


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_a_spreadsheet_would_run_is_prefixed(client: TestClient, world: World,
                                                    instance: Instance, start: str) -> None:
    actor = f"{start}HYPERLINK(\"http://evil.example\",\"x\")"
    with instance.transaction(Actor(id=actor, role="admin")) as tx:
        tx.record(TenantCreated(tenant="x"))
    [row] = _rows(client.get(CSV_PATH, headers=world.auth("compliance"),
                             params={"by": actor}).text)
    assert row["actor"] == "'" + actor
    assert row["tenant_id"] == "x" and row["role"] == "admin"
    # The JSON answer keeps the value as it is; the paged CSV escapes it too.
    [event] = client.get("/v1/audit/events", headers=world.auth("compliance"),
                         params={"by": actor}).json()
    assert event["actor"] == actor
    [paged] = _rows(client.get("/v1/audit/events", headers=world.auth("compliance"),
                               params={"by": actor, "format": "csv"}).text)
    assert paged["actor"] == "'" + actor


def test_only_compliance_downloads_the_csv(client: TestClient, world: World,
                                           instance: Instance) -> None:
    for role in ROLES:
        before = _count(instance, "access.denied")
        answer = client.get(CSV_PATH, headers=world.auth(role))
        expected = 200 if role == "compliance" else 401 if role == "anonymous" else 403
        assert answer.status_code == expected, role
        if expected == 403:
            assert answer.headers["content-type"] == "application/problem+json"
            assert _count(instance, "access.denied") == before + 1, role
        assert ("seq,at,actor" in answer.text) == (role == "compliance"), role


def test_invalid_filters_are_refused_without_echoing_them(client: TestClient,
                                                          world: World) -> None:
    answer = client.get(CSV_PATH, headers=world.auth("compliance"),
                        params={"outcome": "maybe", "since": "yesterday-ish"})
    assert answer.status_code == 422
    assert "yesterday-ish" not in answer.text


def _unzip(content: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(into)
    return into / "audit-bundle"


def test_the_bundle_downloads_and_verifies_offline(client: TestClient, world: World,
                                                   instance: Instance, tmp_path: Path) -> None:
    headers = world.auth("compliance")
    exported = _count(instance, "audit.exported")
    whole = client.get("/v1/audit/bundle", headers=headers)
    assert whole.status_code == 200 and whole.headers["content-type"] == "application/zip"
    assert "attachment" in whole.headers["content-disposition"]
    report = verify_bundle(_unzip(whole.content, tmp_path / "whole"))
    assert report.intact and report.complete
    dataset = world.objects["own_dataset"]
    part = client.get("/v1/audit/bundle", headers=headers, params={"dataset": dataset})
    folder = _unzip(part.content, tmp_path / "part")
    report = verify_bundle(folder)
    assert report.intact and not report.complete
    assert all(f'"dataset_id":"{dataset}"' in line.replace(" ", "")
               for line in (folder / "events.jsonl").read_text().splitlines())
    assert _count(instance, "audit.exported") == exported + 2
    assert client.get("/v1/audit/bundle", headers=world.auth("client")).status_code == 403


def test_no_bundle_is_signed_for_a_tampered_log(client: TestClient, world: World,
                                                instance: Instance) -> None:
    with instance.sessions() as session, session.begin():
        session.execute(update(AuditEventRecord).where(AuditEventRecord.seq == 4)
                        .values(details={"forged": True}))
    answer = client.get("/v1/audit/bundle", headers=world.auth("compliance"))
    assert answer.status_code == 409
    assert "event 4" in answer.json()["detail"]
