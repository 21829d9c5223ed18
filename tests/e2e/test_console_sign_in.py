"""Signing in to the console of a real `airlock serve`: the token and the session's cookie
stay out of every URL, the server's log and every file of the instance (AIRLOCK_HOME,
the SQLite database and its WAL while the server runs), and the session works for pages and the API
alike."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def _kept_in_the_clear(folder: Path, secrets: list[str]) -> list[str]:
    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files) or not any(
        path.suffix == ".db" for path in files), "the scan must see the live WAL"
    return [f"{path.relative_to(folder)}" for path in files
            for secret in secrets if secret.encode() in path.read_bytes()]


def test_the_token_never_reaches_a_url_or_the_log(server: tuple[str, str],
                                                  tmp_path: Path) -> None:
    url, token = server
    folder = tmp_path  # AIRLOCK_HOME, the SQLite database and its WAL, the server's log
    with httpx.Client(base_url=url, follow_redirects=True) as browser:
        form = browser.get("/sign-in?next=/datasets")
        signed = browser.post("/sign-in", data={"token": token, "csrf": _csrf(form.text),
                                                "next": "/datasets"})
        assert signed.status_code == 200 and str(signed.url).endswith("/datasets")
        assert all("alk_" not in str(r.url) for r in [*signed.history, signed])
        assert browser.get("/v1/datasets").status_code == 200  # the API, by the cookie
        cookie = browser.cookies["airlock_session"]
        secret = token.split("_", 2)[2]  # alk_ID_SECRET: the secret may hold "_" itself
        assert _kept_in_the_clear(folder, [token, secret, cookie]) == []
        if any(folder.rglob("*.db")):  # what the catalog keeps instead is found by the scan
            digest = hashlib.sha256(cookie.encode()).hexdigest()
            assert _kept_in_the_clear(folder, [digest])
        browser.post("/sign-out", data={"csrf": _csrf(signed.text)})
        assert browser.get("/v1/datasets").status_code == 401
    log = (tmp_path / "server.log").read_text()
    # The access log is on, and names the route only.
    assert '"method": "POST", "route": "/sign-in", "status": 303' in log
    assert token not in log and "alk_" not in log and cookie not in log
    assert _kept_in_the_clear(folder, [token, secret, cookie]) == []
