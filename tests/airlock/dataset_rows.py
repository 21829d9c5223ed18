"""Catalog rows for list tests: many datasets at chosen times, states and due dates, written
straight to the catalog (uploading each would take a second apiece)."""

from __future__ import annotations

from datetime import datetime, timedelta

from airlock.instance import Instance
from audit import SYSTEM
from catalog import DatasetState, create_dataset


def add_datasets(instance: Instance, tenant_id: str, contract_id: str | None, count: int, *,
                 newest: datetime, step: timedelta = timedelta(seconds=1),
                 state: DatasetState = DatasetState.READY,
                 purge_due_at: datetime | None = None, items: int = 12,
                 size: int = 34567) -> list[str]:
    """`count` datasets, the first created at `newest`, each next one `step` older (a zero
    step gives them all the same time: only the id orders them)."""
    ids = []
    with instance.transaction(SYSTEM) as tx:
        for n in range(count):
            dataset = create_dataset(tx.session, tenant_id, contract_id)
            dataset.created_at = dataset.state_changed_at = newest - n * step
            dataset.state = state
            dataset.item_count = items
            dataset.upload_bytes = size
            if purge_due_at is not None:
                dataset.trained_at = purge_due_at - timedelta(days=30)
                dataset.training_started_at = dataset.trained_at - timedelta(hours=5)
                dataset.purge_due_at = purge_due_at
            ids.append(dataset.id)
    return ids
