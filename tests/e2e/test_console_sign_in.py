"""Signing in to the console of a real `airlock serve`: the token stays out of every URL
and out of the server's log, and the session works for pages and the API alike."""

from __future__ import annotations

import re
from pathlib import Path

import httpx


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def test_the_token_never_reaches_a_url_or_the_log(server: tuple[str, str],
                                                  tmp_path: Path) -> None:
    url, token = server
    with httpx.Client(base_url=url, follow_redirects=True) as browser:
        form = browser.get("/sign-in?next=/datasets")
        signed = browser.post("/sign-in", data={"token": token, "csrf": _csrf(form.text),
                                                "next": "/datasets"})
        assert signed.status_code == 200 and str(signed.url).endswith("/datasets")
        assert all("alk_" not in str(r.url) for r in [*signed.history, signed])
        assert browser.get("/v1/datasets").status_code == 200  # the API, by the cookie
        browser.post("/sign-out", data={"csrf": _csrf(signed.text)})
        assert browser.get("/v1/datasets").status_code == 401
    log = (tmp_path / "server.log").read_text()
    assert "POST /sign-in" in log  # the access log is on, and names the path only
    assert token not in log and "alk_" not in log
