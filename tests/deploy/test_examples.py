"""The examples in deploy/ work as shipped: every `AIRLOCK_*` name they use is a setting, the
example environments load into the settings model, and the systemd units parse and run real
`airlock` commands."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from airlock.settings import Settings
from tests.e2e.conftest import AIRLOCK

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
ENV_FILES = sorted((DEPLOY / "env").glob("*.env"))
UNITS = sorted((DEPLOY / "systemd").glob("airlock*.*"))
SERVICES = [unit for unit in UNITS if unit.suffix == ".service"]
INSTALLED_AIRLOCK = "/opt/airlock/.venv/bin/airlock"
"""Where the units expect the installed command (docs/guides/deployment.md)."""
_NAME = re.compile(r"\bAIRLOCK_[A-Z0-9_]+")


def _deploy_files() -> list[Path]:
    return sorted(path for path in DEPLOY.rglob("*") if path.is_file())


def env_values(path: Path) -> dict[str, str]:
    """An environment file as systemd's EnvironmentFile= reads it: `NAME=value` lines, the
    value to the end of the line, `#` lines comments."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f"{path.name}: not NAME=value: {line!r}"
            values[name.strip()] = value.strip()
    return values


def test_the_examples_exist() -> None:
    assert {p.name for p in ENV_FILES} >= {"single-machine.env", "cluster.env"}
    assert {p.name for p in UNITS} >= {"airlock.service", "airlock-worker.service",
                                       "airlock-retention.service", "airlock-retention.timer"}


@pytest.mark.parametrize("path", _deploy_files(), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_setting_named_exists(path: Path) -> None:
    known = {f"AIRLOCK_{name.upper()}" for name in Settings.model_fields}
    named = set(_NAME.findall(path.read_text(encoding="utf-8")))
    assert named - known == set(), f"{path.name} names settings that do not exist"


@pytest.mark.parametrize("path", ENV_FILES, ids=lambda p: p.name)
def test_example_environment_loads(path: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    values = env_values(path)
    assert values and all(name.startswith("AIRLOCK_") for name in values)
    for name in [n for n in os.environ if n.startswith("AIRLOCK_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AIRLOCK_HOME", str(tmp_path))  # the paths are not made, only read
    settings = Settings()
    assert {f"AIRLOCK_{field.upper()}" for field in settings.model_fields_set} == set(values)


def _sections(unit: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(unit, encoding="utf-8")
    return parser


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_service_runs_a_real_command_hardened(unit: Path) -> None:
    service = _sections(unit)["Service"]
    command = shlex.split(service["ExecStart"])
    assert command[0] == INSTALLED_AIRLOCK
    # The real command line accepts the subcommand and its options.
    shown = subprocess.run([AIRLOCK, *command[1:], "--help"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    assert service["EnvironmentFile"] == "/etc/airlock/airlock.env"
    home = env_values(DEPLOY / "env" / "single-machine.env")["AIRLOCK_HOME"]
    assert service["ReadWritePaths"] == home and service["WorkingDirectory"] == home
    for option, value in {"User": "airlock", "NoNewPrivileges": "yes",
                          "ProtectSystem": "strict", "ProtectHome": "yes",
                          "PrivateTmp": "yes", "UMask": "0077"}.items():
        assert service[option] == value, option


def test_timer_starts_the_sweep() -> None:
    timer = _sections(DEPLOY / "systemd" / "airlock-retention.timer")["Timer"]
    assert timer["Unit"] == "airlock-retention.service"
    assert timer["Persistent"] == "true"
    sweep = _sections(DEPLOY / "systemd" / "airlock-retention.service")["Service"]
    assert shlex.split(sweep["ExecStart"])[1:3] == ["retention", "run"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_verifies_the_units(tmp_path: Path) -> None:
    """systemd's own parser, on copies whose ExecStart names this environment's command
    (it checks that the program exists). Unknown options are warnings: none is allowed."""
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(INSTALLED_AIRLOCK, AIRLOCK)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    checked = subprocess.run(["systemd-analyze", "verify",
                              *sorted(str(p) for p in tmp_path.iterdir())],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0 and not checked.stdout + checked.stderr, \
        checked.stdout + checked.stderr
