"""`GET /v1/retention/calendar` through the real HTTP app on a real instance (SQLite and
PostgreSQL): the due windows, the reasons a dataset is overdue, and who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from airlock.admin import approve, create_token, new_tenant
from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM
from catalog import AuditEventRecord, Contract, CopyKind, Role, StoredCopy, utcnow
from retention import complete_training, start_training
from tests.airlock.conftest import compliance_actor
from tests.retention import datasets
from tests.retention.datasets import PURPOSE

DAY = timedelta(days=1)


def trained(instance: Instance, found: Contract, at: datetime) -> str:
    """A ready dataset whose training completed at `at`, through the training functions:
    its purge is due the contract's retention days after `at`."""
    dataset_id = datasets.ready(instance, found)
    with instance.transaction(SYSTEM) as tx:
        start_training(tx, dataset_id, PURPOSE, at - timedelta(hours=1))
        complete_training(tx, dataset_id, at)
    return dataset_id


def fail_purges_of(instance: Instance, dataset_id: str) -> None:
    """A copy in a backend this instance is not configured for: the purge cannot delete or
    verify it, so it fails (as after a change of AIRLOCK_STORAGE)."""
    with instance.transaction(SYSTEM) as tx:
        tx.session.add(StoredCopy(dataset_id=dataset_id, kind=CopyKind.EXPORT, backend="s3",
                                  locator=f"datasets/{dataset_id}/elsewhere", size=1,
                                  plaintext_size=1, digest="0" * 64))


def tokens(instance: Instance) -> dict[str, dict[str, str]]:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "own")
        issued = {role.value: create_token(tx, name=role.value, role=role,
                                           tenant="own" if role in (Role.CLIENT,
                                                                    Role.REIDENTIFIER)
                                           else None)
                  for role in Role}
        issued["tenant_operator"] = create_token(tx, name="t", role=Role.OPERATOR,
                                                 tenant="own")
    with instance.transaction(compliance_actor(issued["compliance"].token_id)) as tx:
        approve(tx, issued["reidentifier"].token_id)
    return {who: {"Authorization": f"Bearer {token.plaintext}"}
            for who, token in issued.items()}


@pytest.fixture
def api(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as client:
        yield client


def test_the_calendar_dates_windows_and_says_why_overdue(api: TestClient,
                                                         instance: Instance) -> None:
    now = utcnow()
    weekly = datasets.contract(instance, days=7, tenant="acme")
    monthly = datasets.contract(instance, days=30, tenant="globex")
    quarterly = datasets.contract(instance, days=90, tenant="initech")
    soon = trained(instance, weekly, now - 3 * DAY)  # due in 4 days
    month = trained(instance, monthly, now - 10 * DAY)  # in 20 days
    quarter = trained(instance, quarterly, now - 30 * DAY)  # in 60 days
    held = trained(instance, weekly, now - 10 * DAY)  # 3 days ago
    failed = trained(instance, weekly, now - 20 * DAY)  # 13 days ago
    auth = tokens(instance)["compliance"]
    placed = api.post(f"/v1/datasets/{held}/holds", headers=auth,
                      json={"reason": "Litigation 2027-04"})
    assert placed.status_code == 201
    fail_purges_of(instance, failed)
    report = sweeper(instance).run()
    assert sorted((e.dataset_id, e.action.value) for e in report.entries) == sorted(
        [(held, "held"), (failed, "failed")])
    unswept = trained(instance, weekly, now - 8 * DAY)  # due yesterday, after the sweep
    untrained = datasets.ready(instance, weekly)  # due at the maximum age, 180 days on

    response = api.get("/v1/retention/calendar", headers=auth)
    assert response.status_code == 200, response.text
    calendar = response.json()
    at = datetime.fromisoformat(calendar["at"])
    assert calendar["within_days"] == 90 and calendar["windows"] == [7, 30, 90]
    upcoming = {e["dataset_id"]: e for e in calendar["upcoming"]}
    # The datasets of the other tests' instances are not here; untrained ones are due
    # after 180 days, beyond the window.
    assert list(upcoming) == [soon, month, quarter]
    assert calendar["upcoming_total"] == 3
    assert {i: e["window"] for i, e in upcoming.items()} == {soon: 7, month: 30, quarter: 90}
    first = upcoming[soon]
    assert datetime.fromisoformat(first["due_at"]) == now + 4 * DAY
    assert first["days_left"] == (now + 4 * DAY - at) // DAY == 3
    assert (first["tenant_name"], first["contract_name"], first["contract_version"],
            first["cause"], first["state"], first["held"]) == (
        "acme", "retained", 1, "retention", "trained", False)
    assert upcoming[quarter]["tenant_name"] == "initech"

    overdue = {e["dataset_id"]: e for e in calendar["overdue"]}
    assert list(overdue) == [failed, held, unswept]  # longest overdue first
    assert overdue[held]["reason"] == "held" and overdue[held]["held"] is True
    assert overdue[held]["hold_reason"] == "Litigation 2027-04"
    assert overdue[held]["days_overdue"] == 3 and overdue[held]["failure"] is None
    assert overdue[failed]["reason"] == "purge_failed"
    assert overdue[failed]["state"] == "purging" and overdue[failed]["days_overdue"] == 13
    assert {k: overdue[failed]["failure"][k] for k in ("step", "error", "attempts")} == {
        "step": "delete", "error": "backend_not_configured", "attempts": 1}
    assert overdue[unswept]["reason"] == "not_swept"
    assert overdue[unswept]["days_overdue"] == 1 and overdue[unswept]["failure"] is None

    [hold] = calendar["open_holds"]
    assert (hold["dataset_id"], hold["tenant_name"], hold["reason"], hold["id"]) == (
        held, "acme", "Litigation 2027-04", placed.json()["id"])
    assert hold["placed_by"] == placed.json()["placed_by"]
    assert calendar["released_holds"] == []

    week = api.get("/v1/retention/calendar?within_days=7", headers=auth).json()
    assert [e["dataset_id"] for e in week["upcoming"]] == [soon] and week["windows"] == [7]
    assert len(week["overdue"]) == 3
    year = api.get("/v1/retention/calendar?within_days=366", headers=auth).json()
    assert year["windows"] == [7, 30, 90, 366]
    last = year["upcoming"][-1]
    assert [e["dataset_id"] for e in year["upcoming"]] == [soon, month, quarter, untrained]
    assert (last["cause"], last["state"], last["window"], last["days_left"]) == (
        "untrained", "ready", 366, 179)
    first_only = api.get("/v1/retention/calendar?limit=1", headers=auth).json()
    assert [e["dataset_id"] for e in first_only["upcoming"]] == [soon]
    assert first_only["upcoming_total"] == 3

    released = api.post(f"/v1/datasets/{held}/holds/release", headers=auth,
                        json={"reason": "Case closed"})
    assert released.status_code == 200
    after = api.get("/v1/retention/calendar", headers=auth).json()
    assert after["open_holds"] == []
    [gone] = after["released_holds"]
    assert (gone["dataset_id"], gone["release_reason"]) == (held, "Case closed")
    assert {e["dataset_id"]: e["reason"] for e in after["overdue"]}[held] == "not_swept"


@pytest.mark.parametrize("query", ["within_days=0", "within_days=367", "limit=0",
                                   "limit=1001", "within_days=soon"])
def test_out_of_range_queries_are_refused(api: TestClient, instance: Instance,
                                          query: str) -> None:
    response = api.get(f"/v1/retention/calendar?{query}",
                       headers=tokens(instance)["compliance"])
    assert response.status_code == 422


def _denials(instance: Instance) -> list[dict[str, Any]]:
    with instance.reading() as session:
        return [record.details for record in session.execute(
            select(AuditEventRecord).where(AuditEventRecord.action == "access.denied")
            .order_by(AuditEventRecord.seq)).scalars()]


def _count(instance: Instance) -> int:
    with instance.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEventRecord)
                               .where(AuditEventRecord.action == "access.denied")).scalar_one()


def test_only_compliance_reads_the_calendar(api: TestClient, instance: Instance) -> None:
    auth = tokens(instance)
    assert api.get("/v1/retention/calendar").status_code == 401
    assert api.get("/v1/retention/calendar", headers=auth["compliance"]).status_code == 200
    refused = sorted(set(auth) - {"compliance"})
    assert refused == ["admin", "client", "operator", "reidentifier", "tenant_operator"]
    for who in refused:
        before = _count(instance)
        response = api.get("/v1/retention/calendar", headers=auth[who])
        assert response.status_code == 403, who
        assert response.headers["content-type"] == "application/problem+json"
        assert _count(instance) == before + 1, f"{who}: refusal not audited"
        assert _denials(instance)[-1]["route"] == "/v1/retention/calendar"
