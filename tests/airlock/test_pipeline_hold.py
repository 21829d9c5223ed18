"""One run of a dataset's step across processes: the lease in `step_runs`, taken over when
its holder's heartbeat stopped or its process died on this host; the step's progress in
`GET /v1/datasets/{id}` and `airlock status`."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from airlock.admin import create_token
from airlock.api.app import create_app
from airlock.cli.main import app
from airlock.instance import Instance
from airlock.pipeline import Advanced, LocalExecutor, Pipeline, Step
from audit import SYSTEM
from catalog import ConflictError, DatasetState, Role, StepRun, get_dataset
from tests.airlock.test_pipeline import actions, cut_off_in, state, upload

T = TypeVar("T")
ELSEWHERE = "another-host:4242:1"
"""A process on another host: never known dead, its lease has to run out."""


def hold(instance: Instance, dataset_id: str, owner: str, beat: datetime) -> None:
    """What a process running the validate step leaves in the catalog."""
    with instance.sessions() as session, session.begin():
        session.add(StepRun(dataset_id=dataset_id, step="validate", owner=owner,
                            started_at=beat, heartbeat_at=beat, items_done=7))


def held(instance: Instance, dataset_id: str) -> StepRun | None:
    with instance.reading() as session:
        return session.get(StepRun, dataset_id)


@dataclass
class Meanwhile(LocalExecutor):
    """An executor that, before each step's work, lets `during` look at the dataset."""

    during: Callable[[Step, str], None]
    steps: list[Step] = field(default_factory=list)

    def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
        self.steps.append(step)
        self.during(step, dataset_id)
        return work()


def test_a_step_held_by_another_live_process_is_skipped(instance: Instance) -> None:
    dataset_id = upload(instance)
    other = Pipeline(instance, owner=ELSEWHERE)
    seen: list[tuple[Step, Advanced, str | None]] = []

    def other_tries(step: Step, dataset_id: str) -> None:
        run = held(instance, dataset_id)
        seen.append((step, other.advance(dataset_id), run.step if run else None))

    first = Pipeline(instance, executor=Meanwhile(other_tries))
    first.advance(dataset_id)
    assert [(step, row) for step, _, row in seen] == [(Step.VALIDATE, "validate"),
                                                      (Step.ANONYMISE, "anonymise")]
    assert all(done.skipped and done.held_by == first.owner and done.validation is None
               for _, done, _ in seen)
    assert state(instance, dataset_id) is DatasetState.READY
    assert not any(a.endswith("_interrupted") for a in actions(instance, dataset_id))
    assert held(instance, dataset_id) is None  # released at the end


def test_a_live_hold_is_skipped_and_a_lapsed_one_taken_over_as_interrupted_once(
        instance: Instance, caplog: pytest.LogCaptureFixture) -> None:
    dataset_id = upload(instance)
    cut_off_in(instance, dataset_id, DatasetState.VALIDATING)
    hold(instance, dataset_id, ELSEWHERE, datetime.now(UTC))
    pipeline = Pipeline(instance)
    live = pipeline.advance(dataset_id)
    assert live.skipped and live.held_by == ELSEWHERE
    with pytest.raises(ConflictError, match="running in another process"):
        pipeline.advance(dataset_id, only=Step.VALIDATE)  # `airlock validate` says why not
    assert state(instance, dataset_id) is DatasetState.VALIDATING
    assert "dataset.validation_interrupted" not in actions(instance, dataset_id)

    lapsed = datetime.now(UTC) + timedelta(seconds=instance.settings.step_lease_seconds + 1)
    with caplog.at_level(logging.INFO, logger="airlock.pipeline"):
        taken = Pipeline(instance, clock=lambda: lapsed).advance(dataset_id)
    assert taken.interrupted == [Step.VALIDATE] and not taken.skipped
    assert state(instance, dataset_id) is DatasetState.READY
    assert actions(instance, dataset_id).count("dataset.validation_interrupted") == 1
    assert held(instance, dataset_id) is None
    with instance.reading() as session:
        items = get_dataset(session, dataset_id).item_count
    logged = [r.getMessage() for r in caplog.records]
    assert logged[:2] == [
        f"dataset {dataset_id}: took over the step of {ELSEWHERE} (its hold lapsed or it died)",
        f"dataset {dataset_id}: the validate step was interrupted; resuming it"]
    assert f"dataset {dataset_id}: validate started" in logged
    assert any(m.startswith(f"dataset {dataset_id}: validate finished, accepted with 0 errors")
               for m in logged)
    assert f"dataset {dataset_id}: anonymise started, {items} items, 1 shard(s)" in logged
    assert f"dataset {dataset_id}: anonymise finished, {items} items" in logged


def test_a_hold_of_a_process_dead_on_this_host_is_taken_over_at_once(
        instance: Instance) -> None:
    dataset_id = upload(instance)
    cut_off_in(instance, dataset_id, DatasetState.VALIDATING)
    gone = subprocess.run([sys.executable, "-c", "from catalog import process_owner; "
                           "print(process_owner())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    hold(instance, dataset_id, gone, datetime.now(UTC))  # a fresh heartbeat
    done = Pipeline(instance).advance(dataset_id)
    assert done.interrupted == [Step.VALIDATE] and not done.skipped
    assert actions(instance, dataset_id).count("dataset.validation_interrupted") == 1
    assert state(instance, dataset_id) is DatasetState.READY


def reported(instance: Instance, dataset_id: str, ready: Callable[[StepRun], bool]) -> None:
    """The heartbeat writes progress about once a second."""
    deadline = time.monotonic() + 5
    while (run := held(instance, dataset_id)) is None or not ready(run):
        assert time.monotonic() < deadline, run
        time.sleep(0.1)


def test_progress_shows_in_the_api_and_status_while_a_step_runs(instance: Instance) -> None:
    instance.settings = instance.settings.model_copy(update={"shard_max_files": 2})
    dataset_id = upload(instance)
    with instance.transaction(SYSTEM) as tx:
        token = create_token(tx, name="admin2", role=Role.ADMIN, tenant=None).plaintext
    shown: list[tuple[dict[str, Any], dict[str, Any], str]] = []

    def look() -> None:
        with TestClient(create_app(instance)) as client:
            api = client.get(f"/v1/datasets/{dataset_id}",
                             headers={"Authorization": f"Bearer {token}"}).json()
        as_json = CliRunner().invoke(app, ["status", dataset_id, "--json"]).stdout
        shown.append((api, json.loads(as_json),
                      CliRunner().invoke(app, ["status", dataset_id]).stdout))

    class Watching(LocalExecutor):
        """Looks before and after the anonymisation's work, once the heartbeat wrote."""

        def run(self, step: Step, dataset_id: str, work: Callable[[], T]) -> T:
            if step is not Step.ANONYMISE:
                return work()
            reported(instance, dataset_id, lambda run: run.items_total is not None)
            look()
            result = work()
            reported(instance, dataset_id, lambda run: run.shards_total is not None
                     and run.shards_done == run.shards_total)
            look()
            return result

    Pipeline(instance, executor=Watching()).advance(dataset_id)
    with instance.reading() as session:
        items = get_dataset(session, dataset_id).item_count
    assert items is not None
    (api, cli, text), (api_after, cli_after, text_after) = shown
    assert api["state"] == "anonymising" and api["progress"]["step"] == "anonymise"
    assert set(api["progress"]) == {"step", "done", "total", "shards_done", "shards_total",
                                    "items_per_second", "started_at", "updated_at"}
    assert api["progress"]["done"] == 0 and api["progress"]["total"] == items
    shards = -(-items // 2)  # class folders: image shards of two, no label shard
    assert (api["progress"]["shards_done"], api["progress"]["shards_total"]) == (0, shards)
    assert api["progress"]["items_per_second"] is None  # no item yet
    assert cli["progress"] == api["progress"]
    assert f"anonymise: 0 of {items} done, shards 0 of {shards}, since" in text
    after = api_after["progress"]
    assert after["done"] == items == cli_after["progress"]["done"]
    assert after["updated_at"] > api["progress"]["updated_at"]  # heartbeat
    assert (after["shards_done"], after["shards_total"]) == (shards, shards)
    seconds = (datetime.fromisoformat(after["updated_at"])
               - datetime.fromisoformat(after["started_at"])).total_seconds()
    assert after["items_per_second"] == round(items / seconds, 2) > 0
    assert (f"anonymise: {items} of {items} done, shards {shards} of {shards}, "
            f"{after['items_per_second']} items/s, since") in text_after
    with TestClient(create_app(instance)) as client:
        after = client.get(f"/v1/datasets/{dataset_id}",
                           headers={"Authorization": f"Bearer {token}"}).json()
    assert after["state"] == "ready" and after["progress"] is None
    assert "progress" not in CliRunner().invoke(app, ["status", dataset_id]).stdout
