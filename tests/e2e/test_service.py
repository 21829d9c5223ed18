"""The real CLI and the real server, in subprocesses, as a new user runs them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx

from tests.e2e.conftest import AIRLOCK, airlock, free_port, wait_for_health


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

    verify = airlock(env, "audit", "verify", "--json")
    assert verify.returncode == 0, verify.stderr


def test_cli_errors_are_one_line_and_nonzero(env: dict[str, str]) -> None:
    done = airlock(env, "tenant", "list")
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1


def test_instance_files_are_private(env: dict[str, str]) -> None:
    assert airlock(env, "init").returncode == 0
    home = Path(env["AIRLOCK_HOME"])
    for path in [home, *home.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path


def test_text_logs_for_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    """AIRLOCK_LOG_FORMAT=text: readable lines, the request id in brackets."""
    assert airlock(env, "init").returncode == 0
    port, log = free_port(), tmp_path / "text.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)],
                                env={**env, "AIRLOCK_LOG_FORMAT": "text"},
                                stdout=subprocess.DEVNULL, stderr=sink)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        httpx.get(f"{url}/v1/health", headers={"X-Request-ID": "probe-1"})
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lines = log.read_text().splitlines()
    assert not [line for line in lines if line.startswith("{")]
    assert [line for line in lines if re.fullmatch(
        r"\S+ \S+ INFO airlock\.access \[probe-1\]: request method=GET route=/v1/health "
        r"status=200 duration_ms=[0-9.]+", line)]
