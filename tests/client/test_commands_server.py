"""The real `airlock-client` against a real `airlock serve`: status, report, datasets list,
contracts, and the documented exit statuses."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.client.conftest import World, accepted_body, make_world, rejected_body, serving
from tests.e2e.conftest import free_port


def test_status_wait_report_and_lists(world: World) -> None:
    accepted = world.send(accepted_body())
    rejected = world.send(rejected_body())

    waited = world.client("status", accepted, "--wait", "--json")
    assert waited.returncode == 0, waited.stderr
    assert json.loads(waited.stdout)["state"] == "ready"
    refused = world.client("status", rejected, "--wait")
    assert refused.returncode == 1
    assert "state" in refused.stdout and "rejected" in refused.stdout

    status = world.client("status", accepted)
    assert status.returncode == 0 and f"id                   {accepted}" in status.stdout
    report = world.client("report", rejected)
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(f"dataset {rejected}: REJECTED against contract voc v1")
    assert "error" in report.stdout
    body = json.loads(world.client("report", accepted, "--json").stdout)
    assert (body["outcome"], body["summary"]["items"]) == ("accepted", 6)
    anonymised = world.client("report", accepted, "--anonymisation")
    assert anonymised.returncode == 0 and "ANONYMISED" in anonymised.stdout

    listed = json.loads(world.client("datasets", "list", "--json").stdout)
    assert {d["id"] for d in listed["items"]} == {accepted, rejected}
    assert listed["next_cursor"] is None
    first = json.loads(world.client("datasets", "list", "--limit", "1", "--json").stdout)
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = json.loads(world.client("datasets", "list", "--limit", "1", "--after",
                                   first["next_cursor"], "--json").stdout)
    assert [d["id"] for d in first["items"] + rest["items"]] == \
        [d["id"] for d in listed["items"]]
    every = json.loads(world.client("datasets", "list", "--limit", "1", "--all",
                                    "--json").stdout)
    assert every == listed
    only = json.loads(world.client("datasets", "list", "--state", "ready", "--json").stdout)
    assert [d["id"] for d in only["items"]] == [accepted]
    table = world.client("datasets", "list", "--limit", "1")
    assert table.stdout.splitlines()[0].split()[:3] == ["id", "state", "tenant"]
    assert "acme" in table.stdout and "next page: --after " in table.stdout


def test_a_wait_gives_up_at_its_timeout(env: dict[str, str], tmp_path: Path) -> None:
    """Without serve's worker nothing anonymises, so a validated dataset never settles: the
    wait ends at its timeout with exit 5, and the dataset is left as it was."""
    with serving({**env, "AIRLOCK_SERVE_WORKER": "false"}, tmp_path) as (server, admin):
        world = make_world(f"http://127.0.0.1:{server.port}", admin, tmp_path)
        dataset = world.send(accepted_body())
        began = time.monotonic()
        waited = world.client("status", dataset, "--wait", "--timeout", "3", "--json")
        assert waited.returncode == 5, waited.stderr
        assert 3 <= time.monotonic() - began < 60
        error = json.loads(waited.stdout)
        assert error["exit_code"] == 5
        assert f"status {dataset} --wait" in error["error"]
        assert "still received" in error["error"] or "still validat" in error["error"]
        now = json.loads(world.client("status", dataset, "--json").stdout)
        assert now["state"] in ("received", "validating", "validated")
    assert world.client("status", dataset, "--timeout", "3").returncode == 2
    assert world.client("status", dataset, "--wait", "--timeout", "-1").returncode == 2
    assert world.client("status", "../v1/tokens", "--wait").returncode == 2


def test_contracts_list_and_show(world: World) -> None:
    listed = json.loads(world.client("contracts", "list", "--json").stdout)
    assert [(c["name"], c["version"]) for c in listed] == [("voc", 1)]
    shown = world.client("contracts", "show", "voc@1")
    assert shown.returncode == 0 and listed[0]["id"] in shown.stdout
    assert '"kind": "voc"' in shown.stdout
    assert json.loads(world.client("contracts", "show", listed[0]["id"], "--json").stdout
                      ) == listed[0]
    assert world.client("contracts", "list", "--quiet").stdout == ""


def test_exit_statuses(world: World) -> None:
    bad_token = world.client("datasets", "list", token="alk_" + "x" * 40)
    assert bad_token.returncode == 4 and bad_token.stderr.startswith("error: 401")
    closed = world.client("status", "ds_1", url=f"http://127.0.0.1:{free_port()}")
    assert closed.returncode == 3 and "cannot connect" in closed.stderr
    assert world.client("status").returncode == 2
    assert world.client("datasets", "list", "--limit", "0").returncode == 2
    assert world.client("status", "../v1/tokens").returncode == 2
    unknown = world.client("status", "ds_unknown", "--json")
    assert unknown.returncode == 1
    assert json.loads(unknown.stdout)["exit_code"] == 1
    assert world.client("contracts", "show", "nope").returncode == 1


def test_the_token_is_never_printed(world: World) -> None:
    world.send(accepted_body())
    for args in (["datasets", "list"], ["datasets", "list", "--json"], ["contracts", "list"],
                 ["status", "ds_unknown"], ["--help"], ["upload", "--help"]):
        done = world.client(*args)
        assert world.token not in done.stdout + done.stderr
    log = (world.home / "server.log").read_text()
    assert world.token not in log
