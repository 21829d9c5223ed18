"""Request ids: a caller's `X-Request-ID` kept only when it is a plain token, every response
carrying one, the access log naming the route template, and audit events the request."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from airlock.api.request_ids import HEADER, request_id_of
from airlock.request_origins import RequestOrigins, handover_line
from audit import current_request_id
from tests.airlock.conftest import World

PLAIN = re.compile(r"[A-Za-z0-9._-]{1,64}")


@given(st.text(max_size=80))
def test_an_incoming_id_is_kept_only_when_plain(incoming: str) -> None:
    chosen = request_id_of(incoming)
    assert PLAIN.fullmatch(chosen)
    assert (chosen == incoming) == bool(PLAIN.fullmatch(incoming))


@given(st.from_regex(PLAIN, fullmatch=True))
def test_a_plain_id_is_kept(incoming: str) -> None:
    assert request_id_of(incoming) == incoming


def test_new_ids_differ() -> None:
    assert request_id_of(None) != request_id_of(None)


def test_every_response_has_an_id_and_one_access_line(
        client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="airlock.access"):
        given_id = client.get("/v1/health", headers={HEADER: "trace-42"})
        refused = client.get("/v1/health", headers={HEADER: "x\ty"})
        client.get("/v1/datasets/nope?who=canary", headers=world.auth("admin"))
    assert given_id.headers[HEADER] == "trace-42"
    assert PLAIN.fullmatch(refused.headers[HEADER]) and refused.headers[HEADER] != "x\ty"
    access = [r for r in caplog.records if r.name == "airlock.access"]
    assert [(vars(r)["route"], vars(r)["status"]) for r in access] == [
        ("/v1/health", 200), ("/v1/health", 200), ("/v1/datasets/{dataset_id}", 404)]
    assert all(vars(r)["method"] == "GET" and vars(r)["duration_ms"] >= 0 for r in access)
    assert "canary" not in caplog.text and "nope" not in caplog.text


def test_an_unknown_path_is_logged_as_unmatched(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="airlock.access"):
        client.get("/no/such/张三丰")
    assert [vars(r)["route"] for r in caplog.records if r.name == "airlock.access"] == [
        "unmatched"]


def test_audit_events_name_the_request(client: TestClient, world: World) -> None:
    created = client.post("/v1/tenants", json={"name": "third"},
                          headers={**world.auth("admin"), HEADER: "make-third"})
    assert created.status_code == 201, created.text
    events = client.get("/v1/audit/events", params={"action": "tenant.created"},
                        headers=world.auth("compliance")).json()
    made = [e for e in events if e["tenant_id"] == created.json()["id"]]
    assert [e["details"].get("request_id") for e in made] == ["make-third"]


def test_a_handed_over_dataset_runs_under_the_request_that_queued_it() -> None:
    origins = RequestOrigins()
    token = current_request_id.set("upload-1")
    try:
        queued = handover_line("ds1")
    finally:
        current_request_id.reset(token)
    for line in (queued, handover_line("ds2"), b"ds3 bad\tid\n"):
        origins.note(line.rstrip(b"\n"))
    for dataset_id, expected in (("ds1", "upload-1"), ("ds2", None), ("ds3", None)):
        with origins.restored(dataset_id):
            assert current_request_id.get() == expected
    assert current_request_id.get() is None
    origins.done("ds1")
    with origins.restored("ds1"):
        assert current_request_id.get() is None
