"""`GET /v1/datasets`: cursor paging, filters, tenant confinement and the index it reads,
on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from airlock.instance import Instance
from audit import SYSTEM
from catalog import (
    AuditEventRecord,
    Dataset,
    DatasetState,
    claim_step_run,
    renew_step_run,
    utcnow,
)
from catalog.dataset_list import Cursor, DatasetFilter, list_datasets
from retention import place_hold
from tests.airlock.conftest import compliance_actor
from tests.airlock.dataset_rows import Listing, add_datasets, seed_listing

_NEXT = re.compile(r'^<(?P<url>/v1/datasets\?[^>]+)>; rel="next"$')


@pytest.fixture
def listing(instance: Instance) -> Listing:
    return seed_listing(instance)


def _newest_first(instance: Instance, tenant_id: str | None = None) -> list[str]:
    """Every dataset's id in the list's order, sorted here in Python."""
    with instance.reading() as session:
        rows = [(d.created_at, d.id, d.tenant_id) for d in session.execute(select(Dataset))
                .scalars()]
    return [i for _, i, t in sorted(rows, reverse=True) if tenant_id in (None, t)]


def _ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [d["id"] for d in answer.json()]


def _all_pages(client: TestClient, url: str, headers: dict[str, str]) -> list[list[str]]:
    pages = []
    while True:
        answer = client.get(url, headers=headers)
        pages.append(_ids(answer))
        link = answer.headers.get("link")
        if link is None:
            assert "x-next-cursor" not in answer.headers
            return pages
        found = _NEXT.match(link)
        assert found is not None, link
        url = found["url"]
        assert url.endswith(f"after={answer.headers['x-next-cursor']}")


def test_paging_holds_every_dataset_once_while_new_ones_arrive(
        client: TestClient, instance: Instance, listing: Listing) -> None:
    expected = _newest_first(instance)
    assert len(expected) == 20
    headers = listing.auth("compliance")
    first = client.get("/v1/datasets?limit=3", headers=headers)
    assert _ids(first) == expected[:3]
    # Uploads land while the officer pages: they are newer, so before the first page.
    arrived = add_datasets(instance, listing.tenants["other"], None, 2, newest=utcnow())
    url = _NEXT.match(first.headers["link"])["url"]  # type: ignore[index]
    pages = [_ids(first), *_all_pages(client, url, headers)]
    assert len(pages) == 7 and all(len(p) == 3 for p in pages[:-1]) and len(pages[-1]) == 2
    assert [i for page in pages for i in page] == expected  # no gap, no duplicate
    assert _ids(client.get("/v1/datasets?limit=3", headers=headers))[:2] == arrived


def test_the_last_full_page_has_no_next_link(client: TestClient, listing: Listing) -> None:
    answer = client.get("/v1/datasets?limit=20", headers=listing.auth("admin"))
    assert len(_ids(answer)) == 20 and "link" not in answer.headers
    answer = client.get("/v1/datasets?limit=19", headers=listing.auth("admin"))
    assert "x-next-cursor" in answer.headers


def test_the_next_link_keeps_the_filters(client: TestClient, instance: Instance,
                                         listing: Listing) -> None:
    headers = listing.auth("compliance")
    pages = _all_pages(client, "/v1/datasets?tenant=own&state=ready&limit=4", headers)
    with instance.reading() as session:
        ready = {d.id for d in session.execute(select(Dataset).where(
            Dataset.tenant_id == listing.tenants["own"], Dataset.state == "ready")).scalars()}
    assert [len(p) for p in pages] == [4, 4, 2]
    assert [i for p in pages for i in p] == [i for i in _newest_first(instance) if i in ready]


def test_filters_by_state_tenant_and_due_window(client: TestClient, listing: Listing,
                                               instance: Instance) -> None:
    headers = listing.auth("compliance")
    due = listing.due

    def ids(query: str) -> list[str]:
        return _ids(client.get(f"/v1/datasets?{query}", headers=headers))

    assert ids("state=purged") == [due["purged"]]
    assert ids("state=trained") == [due["soon"], due["other_soon"], due["later"],
                                    due["overdue"]]
    assert ids("tenant=other") == _newest_first(instance, listing.tenants["other"])
    assert ids(f"tenant={listing.tenants['own']}") == _newest_first(instance,
                                                                    listing.tenants["own"])
    # The purged dataset's date has passed, but nothing of it is left to purge.
    assert ids("overdue=true") == [due["overdue"]]
    assert ids("due_within_days=0") == [due["overdue"]]
    assert ids("due_within_days=7") == [due["soon"], due["other_soon"], due["overdue"]]
    assert ids("due_within_days=7&tenant=other") == [due["other_soon"]]
    assert ids("due_within_days=90") == [due["soon"], due["other_soon"], due["later"],
                                         due["overdue"]]
    assert ids("due_within_days=7&overdue=true") == [due["overdue"]]
    assert ids("state=ready&due_within_days=90") == []
    unknown = client.get("/v1/datasets?tenant=nobody", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "tenant 'nobody' not found"
    for bad in ("due_within_days=-1", "due_within_days=3651", "limit=0", "limit=1001",
                "state=lost", "overdue=maybe"):
        assert client.get(f"/v1/datasets?{bad}", headers=headers).status_code == 422, bad


@pytest.mark.parametrize("who", ["client", "tenant_operator"])
def test_a_tenant_bound_token_lists_its_own_tenant_only(client: TestClient, listing: Listing,
                                                       instance: Instance, who: str) -> None:
    headers = listing.auth(who)
    own = _newest_first(instance, listing.tenants["own"])
    assert [i for p in _all_pages(client, "/v1/datasets?limit=5", headers) for i in p] == own
    assert _ids(client.get("/v1/datasets?tenant=own", headers=headers)) == own
    assert _ids(client.get(f"/v1/datasets?tenant={listing.tenants['own']}",
                           headers=headers)) == own
    assert _ids(client.get("/v1/datasets?due_within_days=7", headers=headers)) == [
        listing.due["soon"], listing.due["overdue"]]
    unknown = client.get("/v1/datasets?tenant=nobody", headers=headers)
    for asked in ("other", listing.tenants["other"]):
        answer = client.get(f"/v1/datasets?tenant={asked}", headers=headers)
        assert answer.status_code == 404, answer.text
        assert answer.json()["detail"] == f"tenant '{asked}' not found"
    assert unknown.status_code == 404
    with instance.reading() as session:
        denied = list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "access.denied")).scalars())
    assert [e.details["reason"] for e in denied] == ["other_tenant"] * 3
    assert all(e.details["route"] == "/v1/datasets" for e in denied)


def test_an_instance_wide_operator_lists_any_tenant(client: TestClient, listing: Listing,
                                                   instance: Instance) -> None:
    answer = client.get("/v1/datasets?tenant=other&limit=1000", headers=listing.auth("operator"))
    assert _ids(answer) == _newest_first(instance, listing.tenants["other"])
    assert {d["tenant_name"] for d in answer.json()} == {"other"}


def test_roles_without_the_permission_are_refused(client: TestClient, listing: Listing) -> None:
    assert client.get("/v1/datasets", headers=listing.auth("reidentifier")).status_code == 403
    assert client.get("/v1/datasets").status_code == 401


def _valid_cursor(client: TestClient, listing: Listing) -> str:
    answer = client.get("/v1/datasets?limit=2", headers=listing.auth("compliance"))
    return str(answer.headers["x-next-cursor"])


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_bad_cursors_are_refused(client: TestClient, listing: Listing) -> None:
    good = _valid_cursor(client, listing)
    decoded = base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)).decode()
    at, ident = decoded.split("|")
    bad = [
        "x", "not a cursor", good + "=", good + "==", good[:-2], good + "A", "A" * 97,
        good + ".", good.replace(good[:4], "////", 1),
        _b64(f"{at}|"), _b64(f"|{ident}"), _b64(f"{at}|{ident}|x"), _b64(f"{at[:-1]}|{ident}"),
        _b64(f"{at.replace('Z', '+00:00')}|{ident}"), _b64(f"2026-13-40T00:00:00.000000Z|{ident}"),
        _b64(f"{at}|{ident}' or 1=1 --"), _b64(f"{at}|{'a' * 33}"), _b64("\u00e9" * 8),
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
        base64.b64encode(f"{at}|{ident}?>".encode()).decode(),  # '+' or '/' alphabet
    ]
    for cursor in bad:
        answer = client.get("/v1/datasets", params={"after": cursor},
                            headers=listing.auth("compliance"))
        assert answer.status_code == 400, (cursor, answer.text)
        body = answer.json()
        assert body["detail"].startswith("the cursor is invalid")
        assert answer.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/datasets", params={"after": good},
                      headers=listing.auth("compliance")).status_code == 200


def test_cursors_round_trip_and_are_opaque_ascii() -> None:
    cursor = Cursor(utcnow(), "0123456789abcdef0123456789abcdef")
    text = cursor.encode()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text) and Cursor.decode(text) == cursor


def test_the_hold_reason_is_shown_to_compliance_only(client: TestClient, listing: Listing,
                                                    instance: Instance) -> None:
    held = listing.due["soon"]
    with instance.transaction(compliance_actor(listing.token_ids["compliance"])) as tx:
        place_hold(tx, held, "inquiry 2026-17 by the regulator")
    for who in ("compliance", "client", "admin", "operator", "tenant_operator"):
        [row] = [d for d in client.get("/v1/datasets?state=trained&tenant=own",
                                       headers=listing.auth(who)).json() if d["id"] == held]
        assert row["legal_hold"] is True
        expected = "inquiry 2026-17 by the regulator" if who == "compliance" else None
        assert row["hold_reason"] == expected, who
        assert row["tenant_name"] == "own" and row["contract_name"] == "class-folders"
        assert row["contract_version"] == 1


def test_a_page_reads_the_index_not_the_table(instance: Instance, listing: Listing,
                                              database_url: str) -> None:
    """SQLite's plan for each page query: a search of the (tenant,) created_at, id index that
    also gives the order (no temporary sort). On PostgreSQL the pages are just checked."""
    own = listing.tenants["own"]
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(instance.read_engine, "before_cursor_execute", capture)
    try:
        with instance.reading() as session:
            pages = []
            for flt in (DatasetFilter(), DatasetFilter(tenant_id=own),
                        DatasetFilter(state=DatasetState.READY)):
                first = list_datasets(session, flt, limit=4)
                second = list_datasets(session, flt, limit=4, after=first.next_cursor)
                pages.append([r.dataset.id for r in first.rows + second.rows])
    finally:
        event.remove(instance.read_engine, "before_cursor_execute", capture)
    assert pages[:2] == [_newest_first(instance)[:8], _newest_first(instance, own)[:8]]
    if not database_url.startswith("sqlite"):
        return
    assert len(statements) == 6
    plans = []
    with instance.reading() as session:
        for statement, parameters in statements:
            rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                        parameters)
            plans.append(" / ".join(str(r[-1]) for r in rows))
    assert plans[0] == "SCAN datasets USING INDEX ix_datasets_created_at_id"
    assert plans[1] == ("SEARCH datasets USING INDEX ix_datasets_created_at_id "
                        "((created_at,id)<(?,?))")
    assert plans[2] == ("SEARCH datasets USING INDEX ix_datasets_tenant_id_created_at_id "
                        "(tenant_id=?)")
    assert plans[3] == ("SEARCH datasets USING INDEX ix_datasets_tenant_id_created_at_id "
                        "(tenant_id=? AND (created_at,id)<(?,?))")
    assert plans[4] == "SEARCH datasets USING INDEX ix_datasets_state_created_at_id (state=?)"
    assert plans[5] == ("SEARCH datasets USING INDEX ix_datasets_state_created_at_id "
                        "(state=? AND (created_at,id)<(?,?))")


def test_a_running_step_shows_its_shards_and_rate(client: TestClient, listing: Listing,
                                                  instance: Instance) -> None:
    validating, anonymising = _newest_first(instance, listing.tenants["own"])[:2]
    began, owner = utcnow(), "another-host:4242:1"
    with instance.transaction(SYSTEM) as tx:  # what the steps' heartbeats write
        for dataset_id, step in ((validating, "validate"), (anonymising, "anonymise")):
            assert claim_step_run(tx.session, dataset_id, step, owner, began,
                                  began - timedelta(minutes=5)).taken
        renew_step_run(tx.session, validating, owner, "validate", began,
                       began + timedelta(seconds=3), 0, None)
        renew_step_run(tx.session, anonymising, owner, "anonymise", began,
                       began + timedelta(seconds=7), 50, 120, 3, 9)
    headers = listing.auth("client")
    listed = {d["id"]: d["progress"] for d in client.get("/v1/datasets?tenant=own",
                                                         headers=headers).json()}
    for dataset_id in (validating, anonymising):
        assert client.get(f"/v1/datasets/{dataset_id}", headers=headers).json()[
            "progress"] == listed[dataset_id]
    assert {k: listed[validating][k] for k in (
        "done", "total", "shards_done", "shards_total", "items_per_second")} == {
        "done": 0, "total": None, "shards_done": None, "shards_total": None,
        "items_per_second": None}  # no entry read yet, and validation has no shards
    assert {k: listed[anonymising][k] for k in (
        "done", "total", "shards_done", "shards_total", "items_per_second")} == {
        "done": 50, "total": 120, "shards_done": 3, "shards_total": 9,
        "items_per_second": 7.14}  # 50 items in 7 s
