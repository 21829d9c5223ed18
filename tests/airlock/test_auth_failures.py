"""An anonymous flood neither fills the audit log nor reaches the database (issue 13): the
401s of one source are one audit event per window, with the source address, and a source
past the limit gets 429 with Retry-After. Refusals of authenticated actors (403) are still
audited one by one."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from airlock.api.app import create_app
from airlock.api.auth_failures import FailedAuthentications
from airlock.instance import InitResult, Instance
from catalog import AuditEventRecord

WINDOW, LIMIT = 60.0, 10
ATTACKER, NEIGHBOUR = "203.0.113.7", "2001:db8::5"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_with_clock(instance: Instance, clock: Clock) -> FastAPI:
    app = create_app(instance)
    app.state.auth_failures = FailedAuthentications(WINDOW, LIMIT, clock=clock)
    return app


def _client(app: FastAPI, source: str) -> TestClient:
    return TestClient(app, client=(source, 40000))


@pytest.fixture
def attacker(app_with_clock: FastAPI) -> TestClient:
    return _client(app_with_clock, ATTACKER)


def _events(instance: Instance) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).order_by(AuditEventRecord.seq))
                    .scalars())


def _count(instance: Instance) -> int:
    with instance.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEventRecord)).scalar_one()


def test_a_flood_is_one_event_per_window_and_then_429(instance: Instance, clock: Clock,
                                                     attacker: TestClient) -> None:
    before = _count(instance)
    answers = [attacker.get("/v1/whoami", headers={"Authorization": "Bearer alk_nope"}
                            if n % 2 else {}) for n in range(100)]
    assert [a.status_code for a in answers] == [401] * LIMIT + [429] * (100 - LIMIT)
    assert answers[-1].headers["retry-after"] == "60"
    assert answers[-1].headers["content-type"] == "application/problem+json"
    assert _count(instance) == before  # nothing written while the window is open
    clock.now += WINDOW
    assert attacker.get("/v1/whoami").status_code == 401  # a new window: allowed again
    written = [e for e in _events(instance) if e.action == "access.authentication_failed"]
    assert len(written) == 1 and written[0].outcome == "denied"
    assert written[0].details == {"source": ATTACKER, "window_seconds": 60, "failures": LIMIT,
                                  "refused": 100 - LIMIT,
                                  "reasons": {"missing_token": 5, "malformed_token": 5}}


def test_a_valid_token_is_refused_too_once_past_the_limit(instance: Instance, clock: Clock,
                                                        app_with_clock: FastAPI,
                                                        initialised: InitResult) -> None:
    attacker = _client(app_with_clock, ATTACKER)
    neighbour = _client(app_with_clock, NEIGHBOUR)
    admin = {"Authorization": f"Bearer {initialised.admin_token}"}
    for _ in range(LIMIT):
        attacker.get("/v1/whoami")
    assert attacker.get("/v1/whoami", headers=admin).status_code == 429  # no guessing at speed
    assert neighbour.get("/v1/whoami", headers=admin).status_code == 200  # others unaffected
    clock.now += WINDOW / 2
    assert attacker.get("/v1/whoami", headers=admin).headers["retry-after"] == "30"
    clock.now += WINDOW / 2
    assert attacker.get("/v1/whoami", headers=admin).status_code == 200


def test_open_windows_are_written_at_shutdown(instance: Instance,
                                             app_with_clock: FastAPI) -> None:
    with _client(app_with_clock, ATTACKER) as attacker, \
            _client(app_with_clock, NEIGHBOUR) as neighbour:
        attacker.get("/v1/whoami")
        neighbour.get("/v1/whoami")
        neighbour.get("/v1/whoami")
    written = {e.details["source"]: e.details["failures"] for e in _events(instance)
               if e.action == "access.authentication_failed"}
    assert written == {ATTACKER: 1, NEIGHBOUR: 2}


def test_memory_is_bounded_under_many_sources(clock: Clock) -> None:
    failures = FailedAuthentications(WINDOW, LIMIT, max_sources=3, clock=clock)
    for n in range(10):
        failures.fail(f"198.51.100.{n}", "missing_token")
    windows = failures.take_closed(everything=True)
    assert [(w.source, w.failures) for w in windows] == [
        ("198.51.100.0", 1), ("198.51.100.1", 1), ("198.51.100.2", 1), ("unknown", 7)]
