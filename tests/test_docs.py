"""The documentation is part of the product: every setting and command is in the README,
and the README's command-line tour runs as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import typer.core
import typer.main
from typer._click.core import Command, Context

from airlock.cli.main import app
from airlock.settings import Settings

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`AIRLOCK_{name.upper()}`" in README, name


def _command_paths(command: Command, prefix: str = "airlock") -> Iterator[str]:
    if not isinstance(command, typer.core.TyperGroup):
        yield prefix
        return
    context = Context(command)
    for name in command.list_commands(context):
        child = command.get_command(context, name)
        assert child is not None, name
        yield from _command_paths(child, f"{prefix} {name}")


def test_every_command_is_documented() -> None:
    paths = list(_command_paths(typer.main.get_command(app)))
    assert {"airlock image redact", "airlock token create", "airlock upload"} <= set(paths)
    for path in paths:
        assert f"`{path}" in README, path


def _cli_tour() -> list[str]:
    block = re.search(r"<!-- cli-tour -->\n```sh\n(.*?)```", README, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_cli_tour_runs(tmp_path: Path) -> None:
    airlock = str(Path(sys.executable).parent / "airlock")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    for line in _cli_tour():
        args = shlex.split(line)
        assert args[0] == ".venv/bin/airlock"
        done = subprocess.run([airlock, *args[1:]], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, (line, done.stderr)
    assert (tmp_path / ".airlock" / "airlock.db").exists()
