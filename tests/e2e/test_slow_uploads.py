"""Slow uploads against a real `airlock serve`: they are capped, timed out, and never slow
down anyone else's requests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from tests.intake.datasets import contract_yaml, dataset_files, pack
from vocabulary import Layout

PER_TOKEN = 15
TRICKLES = 60  # 2 tenants x 2 tokens x PER_TOKEN
READ_TIMEOUT = 6


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "AIRLOCK_UPLOAD_MAX_PER_TOKEN": str(PER_TOKEN),
            "AIRLOCK_UPLOAD_MAX_PER_TENANT": str(2 * PER_TOKEN + 1),
            "AIRLOCK_UPLOAD_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT),
            "AIRLOCK_UPLOAD_MIN_BYTES_PER_SECOND": "1", "AIRLOCK_WORKER_POLL_SECONDS": "3600"}


def _setup(url: str, admin: str) -> dict[str, dict[str, str]]:
    """Tenants a and b, each with a contract and client tokens a1, a2, a3 / b1, b2."""
    auth = {"Authorization": f"Bearer {admin}"}
    tokens: dict[str, dict[str, str]] = {}
    for tenant in ("a", "b"):
        assert httpx.post(f"{url}/v1/tenants", headers=auth,
                          json={"name": tenant}).status_code == 201
        added = httpx.post(f"{url}/v1/contracts", headers=auth, json={
            "tenant": tenant, "yaml": contract_yaml(Layout.CLASS_FOLDERS, name="c")})
        assert added.status_code == 201, added.text
        for n in (1, 2, 3) if tenant == "a" else (1, 2):
            issued = httpx.post(f"{url}/v1/tokens", headers=auth, json={
                "name": f"{tenant}{n}", "role": "client", "tenant": tenant}).json()
            tokens[f"{tenant}{n}"] = {"Authorization": f"Bearer {issued['token']}"}
    return tokens


def _start_upload(url: str, auth: dict[str, str]) -> socket.socket:
    """Send an upload's headers (a large declared body) and nothing of the body yet."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall((f"POST /v1/datasets?contract=c HTTP/1.1\r\nHost: {host}\r\n"
                  f"Authorization: {auth['Authorization']}\r\n"
                  "Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n"
                  ).encode())
    return sock


def _status(sock: socket.socket) -> int:
    return int(sock.recv(4096).split(b" ", 2)[1])


@contextmanager
def _trickling(socks: list[socket.socket], every: float) -> Iterator[None]:
    """One byte on every socket every `every` seconds, until the block ends."""
    stop = threading.Event()
    failures: list[OSError] = []

    def run() -> None:
        try:
            while not stop.wait(every):
                for sock in socks:
                    sock.sendall(b"P")
        except OSError as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not failures


def _wait_for_received(http: httpx.Client, admin: str, count: int) -> None:
    deadline = time.monotonic() + 20
    while len(http.get("/v1/datasets", headers={"Authorization": f"Bearer {admin}"},
                       params={"state": "received"}).json()) < count:
        assert time.monotonic() < deadline, "the slow uploads did not all start"
        time.sleep(0.1)


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_slow_uploads_do_not_stall_other_requests(server: tuple[str, str]) -> None:
    url, admin = server
    tokens = _setup(url, admin)
    dataset = httpx.post(f"{url}/v1/datasets", params={"contract": "c"}, headers=tokens["a1"],
                         content=pack(dataset_files(Layout.CLASS_FOLDERS), "zip")).json()["id"]
    deadline = time.monotonic() + 30
    while httpx.get(f"{url}/v1/datasets/{dataset}", headers=tokens["a1"]).json()["state"] \
            == "received":  # validated in the background: out of the count below
        assert time.monotonic() < deadline
        time.sleep(0.2)
    with ExitStack() as stack:
        socks = [_start_upload(url, tokens[name])
                 for name in ("a1", "a2", "b1", "b2") for _ in range(PER_TOKEN)]
        for sock in socks:
            stack.callback(sock.close)
        stack.enter_context(_trickling(socks, 0.5))
        with httpx.Client(base_url=url, timeout=30) as http:
            # Every upload is in flight once its dataset exists, waiting for its bytes.
            _wait_for_received(http, admin, TRICKLES)
            stalled = _start_upload(url, tokens["a3"])  # sends no body at all: 408
            stack.callback(stalled.close)
            started = time.monotonic()
            _wait_for_received(http, admin, TRICKLES + 1)
            for name, cap in (("a1", "token"), ("a3", "tenant")):
                refused = http.post("/v1/datasets", params={"contract": "c"},
                                    headers=tokens[name], content=b"PK")
                assert refused.status_code == 429, refused.text
                assert cap in refused.json()["detail"]
                assert int(refused.headers["Retry-After"]) >= 1
            latencies: dict[str, list[float]] = {"health": [], "status": []}
            until = time.monotonic() + 5
            while time.monotonic() < until:
                for kind, path, auth in (("health", "/v1/health", {}),
                                         ("status", f"/v1/datasets/{dataset}", tokens["a1"])):
                    began = time.monotonic()
                    assert http.get(path, headers=auth).status_code == 200
                    latencies[kind].append(time.monotonic() - began)
        assert _status(stalled) == 408
        assert READ_TIMEOUT <= time.monotonic() - started < READ_TIMEOUT + 5
    for kind, samples in latencies.items():
        assert len(samples) >= 20, kind
        assert _p99(samples) < 1.0, (kind, _p99(samples))


def test_a_trickling_upload_is_aborted_and_nothing_is_kept(server: tuple[str, str]) -> None:
    url, admin = server
    tokens = _setup(url, admin)
    sock = _start_upload(url, tokens["b1"])
    with sock, _trickling([sock], 2.5):  # 0.4 bytes/s: under the 1 byte/s minimum
        assert _status(sock) == 408
    auth = {"Authorization": f"Bearer {admin}"}
    deadline = time.monotonic() + 10
    while (datasets := httpx.get(f"{url}/v1/datasets", headers=auth).json())[0]["state"] \
            != "purged":
        assert time.monotonic() < deadline, datasets
        time.sleep(0.2)
    officer = httpx.post(f"{url}/v1/tokens", headers=auth,
                         json={"name": "officer", "role": "compliance"}).json()["token"]
    failed = httpx.get(f"{url}/v1/audit/events", params={"action": "dataset.upload_failed"},
                       headers={"Authorization": f"Bearer {officer}"}).json()
    assert [(e["dataset_id"], e["details"]["reason"]) for e in failed] == \
        [(datasets[0]["id"], "too_slow")]
