"""Following a dataset through the server's steps (validate, anonymise) by polling
`GET /v1/datasets/{id}` until it reaches a state where no step will run, with a bar per
step from its `progress` counts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from airlock_client.api import Api
from airlock_client.errors import ClientError, WaitTimeout
from airlock_client.ids import path_segment
from airlock_client.output import Output
from airlock_client.progress import Bar
from airlock_client.retry import Retrying

SETTLED = frozenset({"rejected", "ready", "training", "trained", "purging", "purged"})
"""States the pipeline moves no further by itself (it validates `received`, anonymises
`validated`)."""
ACCEPTED = frozenset({"ready", "training", "trained"})
POLL_SECONDS = 1.0
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600


def settled(dataset: dict[str, Any]) -> bool:
    return dataset.get("state") in SETTLED


def follow(api: Api, dataset_id: str, output: Output, retrying: Retrying | None = None,
           sleep: Callable[[float], None] = time.sleep, timeout: float | None = None,
           clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """The dataset once settled; a server that restarts meanwhile is waited for. With
    `timeout`, `WaitTimeout` once that many seconds have passed and it is still unsettled
    (the server goes on working: following it again picks up where it is)."""
    retrying = retrying or Retrying()
    path = f"/v1/datasets/{path_segment(dataset_id)}"
    began = clock()
    bar: Bar | None = None
    step: str | None = None
    try:
        while True:
            dataset = retrying.run("following the dataset", lambda _: api.get(path))
            if not isinstance(dataset, dict):
                raise ClientError("the server's dataset is not a JSON object")
            if settled(dataset):
                return dataset
            if timeout is not None and clock() - began >= timeout:
                raise WaitTimeout(
                    f"gave up waiting after {timeout:g} s: the dataset is still "
                    f"{_state(dataset)} on the server, which goes on with it; follow it "
                    f"again with `airlock-client status {dataset_id} --wait`")
            progress = dataset.get("progress")
            if isinstance(progress, dict) and isinstance(progress.get("step"), str):
                if progress["step"] != step:
                    if bar is not None:
                        bar.close()
                    step = progress["step"]
                    bar = Bar(output, step, _count(progress.get("total")), unit="item")
                if bar is not None:
                    bar.show(_count(progress.get("done")) or 0, _count(progress.get("total")),
                             step_note(progress))
            sleep(POLL_SECONDS)
    finally:
        if bar is not None:
            bar.close()


def step_note(progress: dict[str, Any]) -> str:
    """"shards N/M, R items/s" from what the server sends; a server that sends neither (older
    than shard counts) or a step not cut into shards gives less, or nothing."""
    notes = []
    done, total = _count(progress.get("shards_done")), _count(progress.get("shards_total"))
    if done is not None and total is not None:
        notes.append(f"shards {done}/{total}")
    rate = progress.get("items_per_second")
    if isinstance(rate, (int, float)) and not isinstance(rate, bool):
        notes.append(f"{rate:g} items/s")
    return ", ".join(notes)


def _state(dataset: dict[str, Any]) -> str:
    state = dataset.get("state")
    return state if isinstance(state, str) and state.isidentifier() else "unsettled"


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
