"""deploy/prometheus and deploy/grafana: the rules load and behave (promtool), and every
metric they and the dashboard name is one Airlock exports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from airlock.metrics.names import ALL, sample_names

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "airlock.rules.yml"
RULE_TESTS = DEPLOY / "prometheus" / "airlock.rules.test.yml"
CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
DASHBOARD = DEPLOY / "grafana" / "airlock.json"
METRIC = re.compile(r"(?<![\w:])airlock_[a-z0-9_]+")
RECORDED = re.compile(r"airlock:[a-z0-9_:]+")


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing: .ci/run installs it from Debian's prometheus")
        pytest.skip("promtool is not installed (Debian's prometheus package has it)")
    return found


def expressions() -> dict[str, list[str]]:
    rules = yaml.safe_load(RULES.read_text())
    board = json.loads(DASHBOARD.read_text())
    return {"rules": [r["expr"] for g in rules["groups"] for r in g["rules"]],
            "dashboard": [t["expr"] for p in board["panels"] for t in p["targets"]]}


def recorded() -> set[str]:
    rules = yaml.safe_load(RULES.read_text())
    return {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}


def test_promtool_checks_the_rules() -> None:
    done = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 21 rules found" in done.stdout


def test_the_rules_fire_when_they_should_and_only_then() -> None:
    done = subprocess.run([promtool(), "test", "rules", RULE_TESTS.name], cwd=RULES.parent,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_promtool_checks_the_example_configuration(tmp_path: Path) -> None:
    token = tmp_path / "airlock-metrics-token"
    token.write_text("alk_metrics_example\n")
    config = tmp_path / "prometheus.yml"
    config.write_text(CONFIG.read_text().replace("/etc/prometheus/airlock-metrics-token",
                                                 str(token)))
    shutil.copy(RULES, tmp_path / RULES.name)
    done = subprocess.run([promtool(), "check", "config", str(config)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("source", ["rules", "dashboard"])
def test_every_metric_named_is_exported(source: str) -> None:
    exported = {name for metric in ALL for name in sample_names(metric)}
    named = {m for expr in expressions()[source] for m in METRIC.findall(expr)}
    assert named, source
    assert named - exported == set()


def test_the_dashboard_reads_only_recording_rules_that_exist() -> None:
    used = {m for expr in expressions()["dashboard"] for m in RECORDED.findall(expr)}
    assert used and used <= recorded()


def test_every_metric_airlock_exports_has_a_panel_or_a_rule() -> None:
    named = {m for exprs in expressions().values() for expr in exprs
             for m in METRIC.findall(expr)}
    unwatched = [metric.name for metric in ALL
                 if not any(sample in named for sample in sample_names(metric))]
    assert unwatched == []


def test_the_dashboard_is_importable_json() -> None:
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    assert board["uid"] and board["title"] == "Airlock"
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
