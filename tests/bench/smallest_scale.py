"""Runs a benchmark script at its smallest scale and checks that docs/figures.md is
regenerated from its result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
FIGURES = ROOT / "docs" / "figures.md"


def bench_env() -> dict[str, str]:
    """This environment without AIRLOCK_ settings: a benchmark makes its own instance."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}


def assert_runs_and_regenerates(name: str, command: list[str], tmp_path: Path) -> None:
    """The script runs, prints its summary and writes its JSON; bench/figures.py quotes its
    command on a copy of the figures page."""
    env = bench_env()
    done = subprocess.run([sys.executable, *command, "--results", str(tmp_path),
                           "--dir", str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"SUMMARY {name}:" in done.stdout
    result = json.loads((tmp_path / f"{name}.json").read_text())
    assert result["command"].startswith(f"python {command[0]}")
    assert result["rows"][0]["what"].startswith("airlock")
    assert result["ratios"] and all(ratio > 0 for ratio in result["ratios"].values())
    page = tmp_path / "figures.md"
    page.write_text(FIGURES.read_text())
    regenerated = subprocess.run([sys.executable, "bench/figures.py", "--results",
                                  str(tmp_path), "--page", str(page)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=60, check=False)
    assert regenerated.returncode == 0, regenerated.stderr
    assert f"`{result['command']}`" in page.read_text()
