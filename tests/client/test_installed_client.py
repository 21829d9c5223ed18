"""The light client installed on its own, in a venv of its own (Python 3.9, its oldest,
where this machine has it), run against a real server: what it weighs installed, and a
dataset of several hundred MB delivered through dropped connections, a killed client and a
killed server."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.client.conftest import Served, World
from tests.client.datasets import folder_digest, noisy_folder, open_uploads, port_of
from tests.client.relay import relay

PYTHON39 = Path("/root/.pyenv/versions/3.9.18/bin/python")
CLIENT_SOURCE = Path(__file__).resolve().parents[2] / "client"
MAX_INSTALLED_BYTES = 30 * 1024 * 1024
TOOLS = ("pip", "setuptools", "_distutils_hack", "distutils-precedence.pth", "pkg_resources")
"""What the venv brings itself, not counted."""
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with `pip install ./client` and nothing else."""
    work = tmp_path_factory.mktemp("installed")
    source = work / "client"
    shutil.copytree(CLIENT_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    venv = work / "venv"
    python = PYTHON39 if PYTHON39.exists() else Path(sys.executable)
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                    "--disable-pip-version-check", str(source)], check=True, timeout=600)
    return venv


def _env(world: World, url: str | None = None) -> dict[str, str]:
    return {k: v for k, v in world.client_env(url=url).items() if k != "PYTHONPATH"}


def _installed_bytes(venv: Path) -> int:
    site = next(venv.glob("lib/python3.*/site-packages"))
    return sum(path.stat().st_size for path in site.rglob("*")
               if path.is_file() and not path.relative_to(site).parts[0].startswith(TOOLS))


def test_the_client_installs_small_and_runs_on_its_oldest_python(
        installed: Path, world: World) -> None:
    client = str(installed / "bin" / "airlock-client")
    if PYTHON39.exists():
        assert next(installed.glob("lib/python3.9/site-packages"))
    version = subprocess.run([client, "--version"], capture_output=True, text=True,
                             env=_env(world), timeout=60, check=False)
    assert version.returncode == 0 and "airlock-client, version" in version.stdout
    listed = subprocess.run([client, "contracts", "list", "--json"], capture_output=True,
                            text=True, env=_env(world), timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert [c["name"] for c in json.loads(listed.stdout)] == ["voc"]
    assert _installed_bytes(installed) < MAX_INSTALLED_BYTES


def _received(world: World, url: str, sha256: str) -> int:
    try:
        found = open_uploads(world, sha256, url)
    except httpx.TransportError:
        return 0
    return int(found[0]["received_bytes"]) if found else 0  # type: ignore[call-overload]


def _until_received(world: World, url: str, sha256: str, at_least: int,
                    running: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 300
    while _received(world, url, sha256) < at_least:
        assert running.poll() is None, running.communicate()[1]
        assert time.monotonic() < deadline, "the upload stalled"
        time.sleep(0.05)


def test_several_hundred_mb_arrive_whole_through_drops_and_both_ends_killed(
        installed: Path, world: World, served: tuple[Served, str], tmp_path: Path) -> None:
    server, _ = served
    root = noisy_folder(tmp_path / "dataset", 850)
    sha256 = folder_digest(root)
    rng = random.Random(17)
    budgets = iter([rng.randrange(1 * MIB, 40 * MIB) for _ in range(4)])
    command = [str(installed / "bin" / "airlock-client"), "upload", str(root), "--contract",
               "voc", "--part-size", "8MiB", "--parallel", "2", "--no-wait", "--json"]
    with relay(server.port, budget=lambda: next(budgets, None)) as network:
        first = subprocess.Popen(command, env=_env(world, network.url), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _until_received(world, world.url, sha256, 96 * MIB, first)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)

        second = subprocess.Popen(command, env=_env(world, network.url), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _until_received(world, world.url, sha256, 192 * MIB, second)
        server.kill()
        network.target_port = port_of(server.start())
        stdout, stderr = second.communicate(timeout=600)
    server.kill()  # what follows the upload (validation, anonymisation) is not this test's
    assert second.returncode == 0, stderr
    assert network.cuts >= 4
    result = json.loads(stdout)
    assert result["upload"]["resumed"] is True
    assert result["upload"]["sha256"] == sha256 == result["dataset"]["upload_sha256"]
    assert result["upload"]["size"] > 290 * MIB
    assert world.token not in stdout + stderr
