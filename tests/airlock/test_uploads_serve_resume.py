"""A real `airlock serve` killed with SIGKILL in the middle of a part: after a restart the
client finds its upload by the archive's digest, sends what is missing, and the upload
completes with the right digest."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from airlock.instance import Instance
from tests.airlock.test_worker import AIRLOCK, Running
from tests.airlock.uploads_world import (
    PART,
    build_upload_world,
    digest_header,
    open_upload,
    parts_of,
    put_part,
    sha256,
)
from tests.e2e.conftest import free_port, wait_for_health


@pytest.fixture
def serving() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for each in started:
        if each.process.poll() is None:
            each.kill()


def _serve(started: list[Running], tmp_path: Path) -> tuple[Running, str]:
    port = free_port()
    log = tmp_path / f"serve{len(started)}.log"
    env = {**os.environ, "AIRLOCK_UPLOAD_MIN_PART_SIZE_BYTES": str(PART)}
    with log.open("w") as sink:
        process = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)], env=env,
                                   stdout=sink, stderr=subprocess.STDOUT, text=True)
    started.append(Running(process, log, log))
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url)
    return started[-1], url


def _half_a_part(url: str, token: str, upload_id: str, number: int, data: bytes
                 ) -> socket.socket:
    """Open a PUT of part `number` and send its headers and half its body, no more."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    head = (f"PUT /v1/uploads/{upload_id}/parts/{number} HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {len(data)}\r\nContent-Digest: {digest_header(data)}\r\n\r\n")
    sock.sendall(head.encode() + data[:len(data) // 2])
    return sock


def test_serve_killed_mid_part_then_the_upload_resumes_and_completes(
        instance: Instance, serving: list[Running], tmp_path: Path) -> None:
    world = build_upload_world(instance)
    parts = parts_of(world.archive)
    first, url = _serve(serving, tmp_path)
    with httpx.Client(base_url=url, timeout=30) as client:
        upload = open_upload(client, world)
        assert put_part(client, world, upload["id"], 1, parts[1]).status_code == 200
        sock = _half_a_part(url, world.tokens["own"], upload["id"], 2, parts[2])
        time.sleep(0.5)  # the server is reading the part's body now
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        sock.close()
    second, url = _serve(serving, tmp_path)
    with httpx.Client(base_url=url, timeout=30) as client:
        found = client.get("/v1/uploads", headers=world.auth(),
                           params={"sha256": sha256(world.archive), "state": "open"}).json()
        assert [u["id"] for u in found] == [upload["id"]]
        shown = client.get(f"/v1/uploads/{upload['id']}", headers=world.auth()).json()
        assert [p["number"] for p in shown["parts"]] == [1]  # the cut part left nothing
        for number in sorted(set(parts) - {1}):
            assert put_part(client, world, upload["id"], number, parts[number]
                            ).status_code == 200
        done = client.post(f"/v1/uploads/{upload['id']}/complete", headers=world.auth())
        assert done.status_code == 202, done.text
        assert done.json()["upload_sha256"] == sha256(world.archive)

        def validated() -> bool:
            state = client.get(f"/v1/datasets/{upload['dataset_id']}",
                               headers=world.auth()).json()["state"]
            return state in ("validated", "anonymising", "ready")

        second.wait_for(validated, seconds=120)
    second.kill()
