"""A step's progress in `step_runs`: its items and its shards done, written by the holder's
heartbeat and started afresh when a lapsed hold is taken over."""

from __future__ import annotations

from datetime import timedelta

from airlock.instance import Instance
from audit import SYSTEM
from catalog import (
    StepRun,
    claim_step_run,
    create_dataset,
    create_tenant,
    renew_step_run,
    step_runs_of,
    utcnow,
)

ELSEWHERE, OTHER = "another-host:4242:1", "another-host:4343:1"


def test_shards_are_written_with_the_items_and_start_afresh(instance: Instance) -> None:
    began = utcnow()
    with instance.transaction(SYSTEM) as tx:
        dataset_id = create_dataset(tx.session, create_tenant(tx.session, "acme").id).id
        assert claim_step_run(tx.session, dataset_id, "validate", ELSEWHERE, began,
                              began - timedelta(minutes=5)).taken
    with instance.reading() as session:
        run = session.get(StepRun, dataset_id)
        assert run is not None and (run.shards_done, run.shards_total) == (None, None)
    with instance.transaction(SYSTEM) as tx:  # validation: no shards
        assert renew_step_run(tx.session, dataset_id, ELSEWHERE, "validate", began,
                              began + timedelta(seconds=1), 4, None)
    with instance.transaction(SYSTEM) as tx:
        assert renew_step_run(tx.session, dataset_id, ELSEWHERE, "anonymise", began,
                              began + timedelta(seconds=2), 12, 40, 3, 10)
    with instance.reading() as session:
        run = step_runs_of(session, [dataset_id])[dataset_id]
        assert (run.step, run.items_done, run.items_total) == ("anonymise", 12, 40)
        assert (run.shards_done, run.shards_total) == (3, 10)
    later = began + timedelta(hours=1)
    with instance.transaction(SYSTEM) as tx:  # the heartbeat stopped: another takes over
        assert claim_step_run(tx.session, dataset_id, "anonymise", OTHER, later,
                              later - timedelta(minutes=5)).taken
    with instance.reading() as session:
        run = step_runs_of(session, [dataset_id])[dataset_id]
        assert (run.owner, run.items_done, run.items_total) == (OTHER, 0, None)
        assert (run.shards_done, run.shards_total) == (None, None)
