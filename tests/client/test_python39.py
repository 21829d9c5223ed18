"""The light client installed on its own, in a new Python 3.9 venv (its oldest Python), run
against a real server; and what it weighs installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.client.conftest import World

PYTHON39 = Path("/root/.pyenv/versions/3.9.18/bin/python")
CLIENT_SOURCE = Path(__file__).resolve().parents[2] / "client"
MAX_INSTALLED_BYTES = 30 * 1024 * 1024
TOOLS = ("pip", "setuptools", "_distutils_hack", "distutils-precedence.pth", "pkg_resources")
"""What the venv brings itself, not counted."""


def _installed_bytes(venv: Path) -> int:
    site = next(venv.glob("lib/python3.*/site-packages"))
    return sum(path.stat().st_size for path in site.rglob("*")
               if path.is_file() and not path.relative_to(site).parts[0].startswith(TOOLS))


@pytest.mark.skipif(not PYTHON39.exists(), reason="no Python 3.9 interpreter here")
def test_the_client_installs_and_runs_on_python_39(world: World, tmp_path: Path) -> None:
    source = tmp_path / "client"
    shutil.copytree(CLIENT_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([str(PYTHON39), "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                    "--disable-pip-version-check", str(source)], check=True, timeout=600)
    client = str(venv / "bin" / "airlock-client")
    env = {k: v for k, v in world.client_env().items() if k != "PYTHONPATH"}
    version = subprocess.run([client, "--version"], capture_output=True, text=True, env=env,
                             timeout=60, check=False)
    assert version.returncode == 0 and "airlock-client, version" in version.stdout
    listed = subprocess.run([client, "contracts", "list", "--json"], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert [c["name"] for c in json.loads(listed.stdout)] == ["voc"]
    assert _installed_bytes(venv) < MAX_INSTALLED_BYTES
