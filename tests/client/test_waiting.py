"""Following a dataset's step: the bar's note from the server's progress (shards and rate),
which servers older than shard counts do not send, drawn on a terminal."""

from __future__ import annotations

import os
import pty
import sys

import pytest

from airlock_client.output import Output
from airlock_client.progress import Bar
from airlock_client.waiting import step_note
from tests.terminal import drained


def test_the_note_from_a_servers_progress() -> None:
    assert step_note({"step": "anonymise", "done": 20, "total": 50, "shards_done": 2,
                      "shards_total": 5, "items_per_second": 2.5}) == "shards 2/5, 2.5 items/s"
    assert step_note({"step": "anonymise", "done": 0, "total": 50, "shards_done": 0,
                      "shards_total": 5, "items_per_second": None}) == "shards 0/5"
    assert step_note({"step": "validate", "done": 4, "total": None, "shards_done": None,
                      "shards_total": None, "items_per_second": 12.0}) == "12 items/s"
    assert step_note({"step": "anonymise", "done": 3, "total": 10}) == ""  # an older server
    assert step_note({"shards_done": True, "shards_total": "5",
                      "items_per_second": "fast"}) == ""  # not counts: nothing shown


def test_the_bar_draws_the_note_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w") as terminal:
            monkeypatch.setattr(sys, "stderr", terminal)
            bar = Bar(Output(), "anonymise", None, unit="item")
            bar.show(20, 50, "shards 2/5, 2.5 items/s")
            bar.show(40, 50, "shards 4/5, 4 items/s")
            bar.close()
        drawn = drained(leader)
    finally:
        os.close(leader)
    assert b"40/50" in drawn and b"shards 4/5, 4 items/s" in drawn
