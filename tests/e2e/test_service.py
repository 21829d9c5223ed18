"""The real CLI and the real server, in subprocesses, as a new user runs them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

AIRLOCK = str(Path(sys.executable).parent / "airlock")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    return {**base, "AIRLOCK_HOME": str(tmp_path / "home"), "AIRLOCK_DATABASE_URL": database_url}


def _airlock(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AIRLOCK, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    init = _airlock(env, "init")
    assert init.returncode == 0, init.stderr
    token = re.search(r"alk_\S+", init.stdout)
    assert token is not None
    port = _free_port()
    proc = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not come up")
        yield url, token.group(0)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert f"serving on {url}" in output


def test_served_api_end_to_end(server: tuple[str, str], env: dict[str, str]) -> None:
    url, admin = server
    auth = {"Authorization": f"Bearer {admin}"}
    created = httpx.post(f"{url}/v1/tenants", headers=auth, json={"name": "acme"})
    assert created.status_code == 201
    issued = httpx.post(f"{url}/v1/tokens", headers=auth,
                        json={"name": "officer", "role": "compliance"}).json()
    officer = {"Authorization": f"Bearer {issued['token']}"}
    assert httpx.get(f"{url}/v1/audit/events", headers=auth).status_code == 403
    events = httpx.get(f"{url}/v1/audit/events", headers=officer,
                       params={"action": "access.denied"}).json()
    assert [e["details"]["status"] for e in events] == [403]
    assert httpx.get(f"{url}/v1/audit/verify", headers=officer).json()["intact"] is True

    verify = _airlock(env, "audit", "verify", "--json")
    assert verify.returncode == 0, verify.stderr


def test_cli_errors_are_one_line_and_nonzero(env: dict[str, str]) -> None:
    done = _airlock(env, "tenant", "list")
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1


def test_instance_files_are_private(env: dict[str, str]) -> None:
    assert _airlock(env, "init").returncode == 0
    home = Path(env["AIRLOCK_HOME"])
    for path in [home, *home.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path
