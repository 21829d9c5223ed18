"""`status`, `report` and `datasets list`: a dataset's state, its reports, and the list of
datasets the token can see, as the server's `airlock` commands of the same names show
them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from airlock_client import views
from airlock_client.api import Api
from airlock_client.ids import path_segment
from airlock_client.session import Session, output_options
from airlock_client.waiting import ACCEPTED, MAX_TIMEOUT_SECONDS, follow, settled

STATES = ("received", "validating", "rejected", "validated", "anonymising", "ready",
          "training", "trained", "purging", "purged")
MAX_LIMIT = 1000
MAX_DUE_DAYS = 3650
MAX_PAGES = 100_000
"""A bound on `--all`, far above any real list, against a server that pages forever."""


@click.command()
@click.argument("dataset_id", metavar="DATASET")
@click.option("--wait", is_flag=True,
              help="Follow the server's steps until none runs; exit 1 unless accepted.")
@click.option("--timeout", type=click.FloatRange(0, MAX_TIMEOUT_SECONDS), metavar="SECONDS",
              help="With --wait: give up after SECONDS and exit 5 (the server goes on).")
@output_options
def status(session: Session, dataset_id: str, wait: bool, timeout: float | None) -> None:
    """A dataset's state, sizes and counts, and the progress of the step running on it."""
    if timeout is not None and not wait:
        raise click.UsageError("--timeout goes with --wait")
    api = session.api()
    output = session.output
    dataset = (follow(api, dataset_id, output, timeout=timeout) if wait
               else dataset_of(api, dataset_id))
    output.result(dataset, lambda: views.status(dataset))
    if wait and settled(dataset):
        outcome_exit(dataset)


@click.command()
@click.argument("dataset_id", metavar="DATASET")
@click.option("--anonymisation", is_flag=True,
              help="The anonymisation report instead: counts per entity type, field and "
                   "operator.")
@output_options
def report(session: Session, dataset_id: str, anonymisation: bool) -> None:
    """The validation report: every problem, its place and rule, never label content."""
    kind = "anonymisation-report" if anonymisation else "report"
    body = session.api().get(f"/v1/datasets/{path_segment(dataset_id)}/{kind}")
    render = views.anonymisation_report if anonymisation else views.validation_report
    session.output.result(body, lambda: render(body))


@click.group()
def datasets() -> None:
    """List datasets."""


@datasets.command("list")
@click.option("--tenant", help="Tenant id or name (a tenant-bound token sees its own only).")
@click.option("--state", type=click.Choice(STATES), help="Only datasets in this state.")
@click.option("--due-within", type=click.IntRange(0, MAX_DUE_DAYS), metavar="DAYS",
              help="Only datasets whose purge is due within DAYS days, overdue ones "
                   "included (purged ones left out).")
@click.option("--overdue", is_flag=True,
              help="Only datasets whose purge date has passed (purged ones left out).")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=100, show_default=True,
              help="Datasets per page.")
@click.option("--after", metavar="CURSOR",
              help="Start after this cursor (the `next` of a previous page).")
@click.option("--all", "every", is_flag=True, help="Follow the cursors to the last page.")
@output_options
def list_datasets(session: Session, tenant: str | None, state: str | None,
                  due_within: int | None, overdue: bool, limit: int, after: str | None,
                  every: bool) -> None:
    """List datasets newest first, `--limit` at a time; the next page's cursor is printed
    after the table (`--after CURSOR`). `--json` prints `{"items": [...], "next_cursor":
    ...}`; with `--all` it holds every page and `next_cursor` is null."""
    params = {"tenant": tenant, "state": state, "due_within_days": due_within,
              "overdue": "true" if overdue else None, "limit": limit}
    items: list[dict[str, Any]] = []
    cursor = after
    for page, next_cursor in _pages(session.api(), params, after, every):
        items.extend(page)
        cursor = next_cursor
    data = {"items": items, "next_cursor": cursor}
    session.output.result(data, lambda: _list_text(items, cursor))


def dataset_of(api: Api, dataset_id: str) -> dict[str, Any]:
    body = api.get(f"/v1/datasets/{path_segment(dataset_id)}")
    if not isinstance(body, dict):
        raise click.ClickException("the server's dataset is not a JSON object")
    return body


def outcome_exit(dataset: dict[str, Any]) -> None:
    """Exit 1 when a settled dataset was not accepted (rejected, or purged)."""
    if dataset.get("state") not in ACCEPTED:
        raise click.exceptions.Exit(1)


def _pages(api: Api, params: dict[str, Any], after: str | None,
           every: bool) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
    for _ in range(MAX_PAGES):
        response = api.request("GET", "/v1/datasets", params={**params, "after": after})
        body = response.json()
        after = response.headers.get("x-next-cursor") or None
        yield (body if isinstance(body, list) else []), after
        if not every or after is None:
            return


def _list_text(items: list[dict[str, Any]], cursor: str | None) -> str:
    text = views.table([views.dataset_row(i) for i in items], views.DATASET_COLUMNS) \
        if items else "no datasets"
    return text + (f"\nnext page: --after {cursor}" if cursor else "")
