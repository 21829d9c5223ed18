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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(url: str, seconds: float = 60) -> None:
    """Until `airlock serve` at `url` answers its health check; fails the test if not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("server did not come up")


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    return {**base, "AIRLOCK_HOME": str(tmp_path / "home"), "AIRLOCK_DATABASE_URL": database_url}


def airlock(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AIRLOCK, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`airlock serve` on a free loopback port; yields (base URL, admin token)."""
    init = airlock(env, "init")
    assert init.returncode == 0, init.stderr
    token = re.search(r"alk_\S+", init.stdout)
    assert token is not None
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as sink:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)], env=env,
                                stdout=sink, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        yield url, token.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"serving on {url}" in log.read_text()
