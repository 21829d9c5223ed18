"""A real `airlock serve` with a tenant, a contract and a client token, and the real
`airlock-client` command run against it in a subprocess, as a client runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import AIRLOCK, airlock, env, free_port, wait_for_health
from tests.intake.datasets import contract_yaml, dataset_files, pack
from vocabulary import Layout

__all__ = ["env"]

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
                "PYTHONPATH": os.pathsep.join(SOURCES), "COLUMNS": "200",
                "PYTHONFAULTHANDLER": "1"}  # a client aborted for hanging prints its stacks

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


class Served:
    """`airlock serve` on a loopback port, which a test may kill and start again (on a new
    port: the old one may linger in TIME_WAIT)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    def start(self) -> str:
        self.port = free_port()
        with self.log.open("a") as sink:  # a file, not a pipe: a full pipe blocks the server
            self.process = subprocess.Popen([AIRLOCK, "serve", "--port", str(self.port)],
                                            env=self.env, stdout=sink,
                                            stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{self.port}"
        wait_for_health(url)
        return url

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Terminate; kill what is still busy after 30 s (a step under way)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the client meets the server over HTTP, so which database the server
    keeps is for the server's own tests, which run on both."""
    target = tmp_path / "airlock.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@contextmanager
def serving(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Served, str]]:
    """A started server and the admin token `airlock init` printed."""
    init = airlock(env, "init")
    assert init.returncode == 0, init.stderr
    token = re.search(r"alk_\S+", init.stdout)
    assert token is not None
    server = Served(env, tmp_path / "server.log")
    try:
        server.start()
        yield server, token.group(0)
    finally:
        server.stop()


@pytest.fixture
def served(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Served, str]]:
    with serving(env, tmp_path) as started:
        yield started


@pytest.fixture
def world(served: tuple[Served, str], tmp_path: Path) -> World:
    server, admin = served
    return make_world(f"http://127.0.0.1:{server.port}", admin, tmp_path)


def accepted_body() -> bytes:
    return pack(dataset_files(Layout.VOC), "tar")


def rejected_body() -> bytes:
    """One image: under the contract's minimum of two items, one of each class."""
    return pack(dataset_files(Layout.VOC, count=1), "tar")
