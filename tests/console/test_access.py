"""The console enforces exactly what the API enforces: for every role (and nobody), every
page answers as the API route that serves the same data answers the same person."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.permissions import Permission, allows
from tests.airlock.conftest import World

ROLES = ("admin", "client", "compliance", "operator", "tenant_operator", "reidentifier")
# Console page -> the API route with the same data (None: a page with no API twin).
PAGES: dict[str, str | None] = {
    "/datasets": "/v1/datasets",
    "/datasets/{own_dataset}": "/v1/datasets/{own_dataset}",
    "/datasets/{other_dataset}": "/v1/datasets/{other_dataset}",
    "/datasets/unknown-dataset": "/v1/datasets/unknown-dataset",
    "/retention": "/v1/retention/calendar",
    "/audit": "/v1/audit/events",
    "/upload": None,
    "/": None,
}
# What a page answers for what the API answers: the same status, except that a person
# who is not signed in is sent to the sign-in form where the API says 401.
PAGE_STATUS = {200: 200, 403: 403, 404: 404, 401: 303}


def _signed_in(client: TestClient, token: str) -> None:
    form = client.get("/sign-in")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form.text)
    assert csrf is not None
    answer = client.post("/sign-in", data={"token": token, "csrf": csrf.group(1)},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text


@pytest.mark.parametrize("who", [*ROLES, "nobody"])
def test_every_page_answers_as_the_api(console_instance: Instance, console_world: World,
                                       who: str) -> None:
    instance, world = console_instance, console_world
    with TestClient(create_app(instance), base_url="http://127.0.0.1") as browser, \
            TestClient(create_app(instance), base_url="http://127.0.0.1") as api:
        if who != "nobody":
            _signed_in(browser, world.tokens[who])
        for page, twin in PAGES.items():
            path = page.format(**world.objects)
            got = browser.get(path, follow_redirects=False).status_code
            if twin is not None:
                expected = PAGE_STATUS[api.get(twin.format(**world.objects),
                                               headers=world.auth(who)).status_code]
            elif who == "nobody":
                expected = 303
            elif page == "/upload":
                expected = 200 if allows(_role(who), Permission.DATASETS_UPLOAD) else 403
            else:
                expected = 200
            assert got == expected, f"{who} {path}: page {got}, expected {expected}"
        # Verifying needs no account, on the page and in the API.
        assert browser.get("/verify").status_code == 200
        assert api.post("/v1/certificates/verify", json={"document": {}}).status_code == 422


def _role(who: str) -> str:
    return "operator" if who == "tenant_operator" else who
