"""A light world for multipart upload tests: two tenants, a contract and a client token
each, small parts, and helpers that speak the protocol."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

import httpx

from airlock.admin import create_token, new_tenant
from airlock.instance import Instance
from audit import SYSTEM
from catalog import Role
from intake import add_contract
from tests.intake.datasets import contract_yaml, dataset_files, pack
from vocabulary import Layout

KEEP = "anonymisation: {images: keep}\n"
PART = 1000
"""Bytes per part in these tests (the instance's minimum is lowered to it)."""


@dataclass(frozen=True)
class UploadWorld:
    tokens: dict[str, str]
    contracts: dict[str, str]
    archive: bytes

    def auth(self, who: str = "own") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def small_parts(instance: Instance) -> None:
    instance.settings = instance.settings.model_copy(update={
        "upload_min_part_size_bytes": PART, "upload_part_size_bytes": PART})


def build_upload_world(instance: Instance, fmt: str = "tar") -> UploadWorld:
    small_parts(instance)
    with instance.transaction(SYSTEM) as tx:
        for name in ("own", "other"):
            new_tenant(tx, name)
        tokens = {name: create_token(tx, name=f"c-{name}", role=Role.CLIENT,
                                     tenant=name).plaintext for name in ("own", "other")}
        contracts = {name: add_contract(tx, name, contract_yaml(
            Layout.CLASS_FOLDERS, extra=KEEP))[0].id for name in ("own", "other")}
    return UploadWorld(tokens, contracts, pack(dataset_files(Layout.CLASS_FOLDERS), fmt))


def digest_header(data: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(data).digest()).decode() + ":"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parts_of(data: bytes, size: int = PART) -> dict[int, bytes]:
    return {n + 1: data[i:i + size] for n, i in enumerate(range(0, len(data), size))}


def open_upload(client: httpx.Client | Any, world: UploadWorld, data: bytes | None = None,
                declared: str | None = None, who: str = "own") -> dict[str, Any]:
    data = world.archive if data is None else data
    response = client.post("/v1/uploads", headers=world.auth(who), json={
        "contract": world.contracts[who], "size": len(data),
        "sha256": declared or sha256(data), "part_size": PART})
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/v1/uploads/{response.json()['id']}"
    body: dict[str, Any] = response.json()
    return body


def put_part(client: httpx.Client | Any, world: UploadWorld, upload_id: str, number: int,
             data: bytes, digest_of: bytes | None = None, who: str = "own") -> Any:
    return client.put(f"/v1/uploads/{upload_id}/parts/{number}", content=data, headers={
        **world.auth(who), "Content-Type": "application/octet-stream",
        "Content-Digest": digest_header(data if digest_of is None else digest_of)})
