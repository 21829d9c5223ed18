"""The real CLI and the real server, in subprocesses, as a new user runs them."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.conftest import airlock


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
