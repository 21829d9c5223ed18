"""A multipart upload in progress (its dataset received, no digest yet) shows in the
console's list and page like a single-request upload still streaming."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from airlock.api.app import create_app
from airlock.instance import Instance
from tests.airlock.uploads_world import build_upload_world, open_upload, parts_of, put_part


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_list_and_page_show_an_upload_in_progress(instance: Instance,
                                                      language: str) -> None:
    world = build_upload_world(instance)
    with TestClient(create_app(instance)) as client:
        upload = open_upload(client, world)
        assert put_part(client, world, upload["id"], 1, parts_of(world.archive)[1]
                        ).status_code == 200
        client.cookies.clear()
        signed = client.post("/sign-in", data={"token": world.tokens["own"], "next": "/",
                                               "csrf": _csrf(client.get("/sign-in").text)},
                             follow_redirects=False)
        assert signed.status_code == 303
        chosen = client.post("/language", data={"language": language, "back": "/",
                                                "csrf": _csrf(client.get("/").text)},
                             follow_redirects=False)
        assert chosen.status_code == 303
        listed = client.get("/datasets")
        assert listed.status_code == 200 and upload["dataset_id"] in listed.text
        page = client.get(f"/datasets/{upload['dataset_id']}")
        assert page.status_code == 200
        assert upload["dataset_id"] in page.text and "\u2014" in page.text
        assert f'lang="{language}' in page.text


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)
