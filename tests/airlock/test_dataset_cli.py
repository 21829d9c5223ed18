"""`airlock datasets list` through the real command line (Typer's runner) on a real
instance: pages, filters, `--all`, `--json`, and its errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from catalog import Dataset
from retention import place_hold
from tests.airlock.conftest import compliance_actor
from tests.airlock.dataset_rows import Listing, seed_listing

runner = CliRunner()


@pytest.fixture
def listing(instance: Instance) -> Listing:
    return seed_listing(instance)


def _run(*args: str, columns: int = 80) -> tuple[int, str, str]:
    result = runner.invoke(app, ["datasets", "list", *args], env={"COLUMNS": str(columns)})
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict[str, Any]:
    code, out, err = _run(*args, "--json")
    assert code == 0, err
    body: dict[str, Any] = json.loads(out)
    return body


def _newest_first(instance: Instance, tenant_id: str | None = None) -> list[str]:
    with instance.reading() as session:
        rows = [(d.created_at, d.id, d.tenant_id) for d in session.execute(select(Dataset))
                .scalars()]
    return [i for _, i, t in sorted(rows, reverse=True) if tenant_id in (None, t)]


def test_json_pages_follow_the_cursor(instance: Instance, listing: Listing) -> None:
    expected = _newest_first(instance)
    seen: list[str] = []
    after: list[str] = []
    while True:
        body = _json("--limit", "6", *after)
        assert set(body) == {"items", "next_cursor"}
        seen += [d["id"] for d in body["items"]]
        if body["next_cursor"] is None:
            break
        after = ["--after", body["next_cursor"]]
    assert seen == expected
    every = _json("--all", "--limit", "7")
    assert [d["id"] for d in every["items"]] == expected and every["next_cursor"] is None
    item = every["items"][0]
    assert item["tenant_name"] in ("own", "other") and item["contract_version"] == 1


def test_filters(instance: Instance, listing: Listing) -> None:
    due = listing.due
    assert [d["id"] for d in _json("--overdue")["items"]] == [due["overdue"]]
    assert [d["id"] for d in _json("--due-within", "7", "--tenant", "other")["items"]] == [
        due["other_soon"]]
    assert [d["id"] for d in _json("--state", "purged")["items"]] == [due["purged"]]
    own = listing.tenants["own"]
    assert [d["id"] for d in _json("--tenant", own, "--all", "--limit", "2")["items"]] == \
        _newest_first(instance, own)


def test_people_read_a_table_or_blocks_and_the_next_page(instance: Instance,
                                                        listing: Listing) -> None:
    with instance.transaction(compliance_actor(listing.token_ids["compliance"])) as tx:
        place_hold(tx, listing.due["soon"], "inquiry [7] pending")
    code, out, _ = _run("--state", "trained", "--tenant", "own", "--limit", "1", columns=160)
    assert code == 0
    header = out.splitlines()[1].split()
    assert header[:4] == ["id", "state", "tenant", "contract"] and header[-1] == "hold"
    row = next(line for line in out.splitlines() if listing.due["soon"] in line)
    assert row.split()[1:6] == ["trained", "own", "class-folders", "v1", "12"]
    assert row.rstrip().endswith("held: inquiry [7] pending")  # text, not rich markup
    cursor = re.search(r"next page: --after (\S+)", out)
    assert cursor is not None
    # A narrow terminal: one block of `field value` lines per dataset.
    code, out, _ = _run("--state", "trained", "--tenant", "own", "--after", cursor[1])
    assert code == 0 and "next page" not in out
    blocks = [block.splitlines() for block in out.strip().split("\n\n")]
    assert [b[0].split() for b in blocks] == [["id", listing.due["later"]],
                                              ["id", listing.due["overdue"]]]
    assert [b[1].split() for b in blocks] == [["state", "trained"]] * 2
    code, out, _ = _run("--state", "rejected")
    assert code == 0 and out.strip() == "no datasets"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--after", "bm90IGEgY3Vyc29y"], 1, "error: the cursor is invalid"),
    (["--tenant", "nobody"], 1, "error: tenant 'nobody' not found"),
    (["--limit", "0"], 2, ""),
    (["--limit", "1001"], 2, ""),
    (["--due-within", "-1"], 2, ""),
    (["--state", "lost"], 2, ""),
])
def test_errors_exit_non_zero(listing: Listing, args: list[str], code: int,
                              message: str) -> None:
    exit_code, out, err = _run(*args)
    assert exit_code == code and out == ""
    assert err.startswith(message)
