"""A real `airlock serve` with a tenant, a contract and a client token, and the real
`airlock-client` command run against it in a subprocess, as a client runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import env, server
from tests.intake.datasets import contract_yaml, dataset_files, pack
from vocabulary import Layout

__all__ = ["env", "server"]

CLIENT = str(Path(sys.executable).parent / "airlock-client")
SOURCES = [str(Path(__file__).resolve().parents[2]),
           str(Path(__file__).resolve().parents[2] / "client" / "src")]
"""This checkout's client first, whichever copy is installed beside the server."""


@dataclass(frozen=True)
class World:
    url: str
    admin: str
    token: str
    """A client token of tenant acme (datasets:upload and read)."""
    home: Path

    def client_env(self, token: str | None = None, url: str | None = None) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
        return {**base, "AIRLOCK_URL": url or self.url, "AIRLOCK_TOKEN": token or self.token,
                "AIRLOCK_CREDENTIALS_FILE": str(self.home / "no-credentials"),
                "PYTHONPATH": os.pathsep.join(SOURCES), "COLUMNS": "200"}

    def client(self, *args: str, token: str | None = None, url: str | None = None,
               timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLIENT, *args], env=self.client_env(token, url),
                              capture_output=True, text=True, timeout=timeout, check=False)

    def send(self, body: bytes, contract: str = "voc") -> str:
        """A dataset uploaded through the one-request endpoint; its id."""
        answer = httpx.post(f"{self.url}/v1/datasets", params={"contract": contract},
                            content=body, headers=self.auth, timeout=60)
        assert answer.status_code == 202, answer.text
        return str(answer.json()["id"])

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_world(url: str, admin: str, home: Path) -> World:
    auth = {"Authorization": f"Bearer {admin}"}
    assert httpx.post(f"{url}/v1/tenants", headers=auth, json={"name": "acme"}
                      ).status_code == 201
    added = httpx.post(f"{url}/v1/contracts", headers=auth,
                       json={"tenant": "acme", "yaml": contract_yaml(Layout.VOC)})
    assert added.status_code == 201, added.text
    issued = httpx.post(f"{url}/v1/tokens", headers=auth,
                        json={"name": "uploader", "role": "client", "tenant": "acme"})
    assert issued.status_code == 201, issued.text
    return World(url, admin, issued.json()["token"], home)


@pytest.fixture
def world(server: tuple[str, str], tmp_path: Path) -> World:
    return make_world(*server, tmp_path)


def accepted_body() -> bytes:
    return pack(dataset_files(Layout.VOC), "tar")


def rejected_body() -> bytes:
    """One image: under the contract's minimum of two items, one of each class."""
    return pack(dataset_files(Layout.VOC, count=1), "tar")
