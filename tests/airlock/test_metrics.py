"""`/metrics` through the real HTTP API (SQLite, and PostgreSQL when configured), and the
worker's own metrics port through the real `airlock worker`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.metrics import ALL
from airlock.pii_engine import PiiEngineLoader
from airlock.serve_worker import ChildWorker
from airlock.settings import Settings
from catalog import DatasetState, utcnow
from tests.airlock.conftest import World
from tests.airlock.dataset_rows import add_datasets
from tests.e2e.conftest import AIRLOCK, free_port

TOKEN = "scrape-" + "s" * 40
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def instance(settings: Settings, initialised: object,
             pii_engine_loader: PiiEngineLoader) -> Iterator[Instance]:
    """The test instance, with a scrape token."""
    inst = Instance(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}),
                    pii_engine=pii_engine_loader)
    yield inst
    inst.dispose()


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_off_without_a_token(settings: Settings, initialised: object,
                                         pii_engine_loader: PiiEngineLoader) -> None:
    plain = Instance(settings, pii_engine=pii_engine_loader)
    with TestClient(create_app(plain)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers=SCRAPE).status_code == 404


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-" + "x" * 40}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN}, {"Authorization": f"Bearer {TOKEN}x"}])
def test_a_scrape_without_the_token_is_refused(client: TestClient,
                                               headers: dict[str, str]) -> None:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_api_token_is_not_a_scrape_token(client: TestClient, world: World) -> None:
    assert client.get("/metrics", headers=world.auth("admin")).status_code == 401


def exported(text: str) -> set[str]:
    """The metrics named by the exposition's TYPE lines (a labelled one has them before
    its first sample)."""
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def test_every_metric_of_the_list_is_exported_and_parses(client: TestClient,
                                                         world: World) -> None:
    client.get("/v1/health")
    assert scrape(client)
    found = exported(client.get("/metrics", headers=SCRAPE).text)
    api = {metric.name for metric in ALL if metric.where != "worker" and metric.name not in (
        # Absent until verified once, and while serve runs no worker of its own (tests).
        "airlock_audit_verification_passed", "airlock_audit_verification_age_seconds",
        "airlock_serve_worker_up")}
    assert api <= found, api - found
    assert all(metric.name.startswith("airlock_") for metric in ALL)
    assert len({metric.name for metric in ALL}) == len(ALL)


def test_a_request_counts_under_its_route_template(client: TestClient, world: World) -> None:
    before = scrape(client)
    dataset = world.objects["own_dataset"]
    assert client.get(f"/v1/datasets/{dataset}", headers=world.auth("client")).status_code == 200
    assert client.get("/v1/datasets/no-such-id", headers=world.auth("client")).status_code == 404
    assert client.get(f"/nothing/{dataset}").status_code == 404
    after = scrape(client)
    route = "/v1/datasets/{dataset_id}"
    for status in ("200", "404"):
        assert value(after, "airlock_http_requests_total", route=route, method="GET",
                     status=status) == value(before, "airlock_http_requests_total",
                                             route=route, method="GET", status=status) + 1
    assert value(after, "airlock_http_requests_total", route="unmatched", method="GET",
                 status="404") >= 1
    assert value(after, "airlock_http_request_duration_seconds_count", route=route,
                 method="GET") >= 2


def test_an_overdue_dataset_shows_in_the_gauge_and_a_held_one_apart(
        client: TestClient, world: World, instance: Instance) -> None:
    before = scrape(client)
    assert value(before, "airlock_datasets_overdue_for_purge", cause="retention") == 0
    now = utcnow()
    overdue = add_datasets(instance, world.own_tenant, world.objects["own_contract"], 2,
                           newest=now - timedelta(days=60), state=DatasetState.TRAINED,
                           purge_due_at=now - timedelta(days=2))
    hold = client.post(f"/v1/datasets/{overdue[1]}/holds", headers=world.auth("compliance"),
                       json={"reason": "a court order"})
    assert hold.status_code == 201, hold.text
    after = scrape(client)
    assert value(after, "airlock_datasets_overdue_for_purge", cause="retention") == 1
    assert value(after, "airlock_datasets_held_past_due") == 1
    assert value(after, "airlock_purge_overdue_seconds") >= timedelta(days=2).total_seconds()


def test_the_queue_counts_datasets_waiting_per_step(client: TestClient, world: World,
                                                    instance: Instance) -> None:
    before = scrape(client)
    add_datasets(instance, world.own_tenant, world.objects["own_contract"], 3,
                 newest=utcnow() - timedelta(minutes=5), state=DatasetState.VALIDATED)
    after = scrape(client)
    assert value(after, "airlock_pipeline_queue_depth", step="anonymise") == value(
        before, "airlock_pipeline_queue_depth", step="anonymise") + 3
    assert value(after, "airlock_pipeline_oldest_waiting_seconds") >= 300


def test_the_checkpoint_age_and_the_last_verification(client: TestClient,
                                                      world: World) -> None:
    before = scrape(client)
    assert 0 <= value(before, "airlock_audit_checkpoint_age_seconds") < 3600
    assert ("airlock_audit_verification_passed", frozenset()) not in before
    verified = client.get("/v1/audit/verify", headers=world.auth("compliance"))
    assert verified.status_code == 200 and verified.json()["intact"]
    after = scrape(client)
    assert value(after, "airlock_audit_verification_passed") == 1
    assert 0 <= value(after, "airlock_audit_verification_age_seconds") < 60


def test_failed_sign_ins_and_token_uses_are_counted_by_reason(client: TestClient,
                                                              world: World) -> None:
    before = scrape(client)
    client.get("/v1/whoami", headers={"Authorization": "Bearer not-a-token"})
    client.get("/v1/whoami", headers={"Authorization": "Bearer alk_" + "a" * 16 + "_" + "b" * 43})
    client.get("/v1/whoami")
    form = client.get("/sign-in")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form.text)
    assert csrf is not None
    signed = client.post("/sign-in", data={"token": "not-a-token", "csrf": csrf.group(1)})
    assert signed.status_code == 401
    after = scrape(client)
    for reason, more in (("malformed_token", 2), ("unknown_token", 1), ("missing_token", 1)):
        assert value(after, "airlock_auth_failures_total", reason=reason) == value(
            before, "airlock_auth_failures_total", reason=reason) + more, reason


def test_an_upload_leaves_no_id_or_name_in_the_exposition(
        client: TestClient, world: World, instance: Instance) -> None:
    canary = "zebra-canary-tenant"
    assert client.post("/v1/tenants", headers=world.auth("admin"),
                       json={"name": canary}).status_code == 201
    before = scrape(client)
    contract = world.objects["own_contract"]
    uploaded = client.post(f"/v1/datasets?contract={contract}", headers=world.auth("client"),
                           content=world.upload)
    assert uploaded.status_code in (201, 202), uploaded.text
    dataset = uploaded.json()["id"]
    client.get(f"/v1/datasets/{dataset}", headers=world.auth("client"))
    after = scrape(client)
    text = client.get("/metrics", headers=SCRAPE).text
    for secret in (dataset, contract, world.own_tenant, world.other_tenant, canary,
                   *world.objects.values(), *world.tokens.values()):
        assert secret not in text
    assert value(after, "airlock_upload_bytes_received_total") >= value(
        before, "airlock_upload_bytes_received_total") + len(world.upload)
    assert value(after, "airlock_uploads_in_flight") == 0
    # The upload's validation ran in this process, in the background.
    assert value(after, "airlock_pipeline_step_duration_seconds_count", step="validate",
                 outcome="ok") == value(before, "airlock_pipeline_step_duration_seconds_count",
                                        step="validate", outcome="ok") + 1


def test_the_worker_serves_its_metrics_on_its_own_port(instance: Instance,
                                                      tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "AIRLOCK_WORKER_METRICS_PORT": str(port),
           "AIRLOCK_WORKER_POLL_SECONDS": "0.5"}
    log = tmp_path / "worker.log"
    with log.open("w") as err:
        process = subprocess.Popen([AIRLOCK, "worker"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=err)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            found = {sample.name: sample.value
                     for family in text_string_to_metric_families(response.text)
                     for sample in family.samples}
            if found.get("airlock_worker_heartbeat_timestamp_seconds", 0) > 0:
                break
            time.sleep(0.2)
        assert abs(found["airlock_worker_heartbeat_timestamp_seconds"] - time.time()) < 60
        worker = {metric.name for metric in ALL if metric.where != "api"}
        assert worker <= exported(response.text), worker - exported(response.text)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_every_metric_is_documented_with_its_type_and_labels() -> None:
    page = (Path(__file__).parents[2] / "docs" / "guides" / "metrics.md").read_text()
    for metric in ALL:
        labels = ", ".join(f"`{label}`" for label in metric.labels) or "—"
        assert f"| `{metric.name}` | {metric.kind} | {labels} |" in page, metric.name


def _serve_worker(registry_text: str) -> dict[str, float]:
    return {sample.name: sample.value
            for family in text_string_to_metric_families(registry_text)
            for sample in family.samples if sample.name.startswith("airlock_serve_worker")}


def test_serve_reports_its_worker_up_down_and_restarted() -> None:
    child = ChildWorker([sys.executable, "-c", "import time; time.sleep(60)"])
    assert "airlock_serve_worker_up" not in _serve_worker(generate_latest().decode())
    restarts = _serve_worker(generate_latest().decode())["airlock_serve_worker_restarts_total"]
    child.start()
    try:
        assert _serve_worker(generate_latest().decode())["airlock_serve_worker_up"] == 1
        process = child._process
        assert process is not None
        process.kill()
        deadline = time.monotonic() + 10
        while _serve_worker(generate_latest().decode())[
                "airlock_serve_worker_restarts_total"] < restarts + 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert _serve_worker(generate_latest().decode())["airlock_serve_worker_up"] == 1
    finally:
        child.stop()
    assert "airlock_serve_worker_up" not in _serve_worker(generate_latest().decode())
