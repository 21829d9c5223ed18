"""A dataset's state change and its audit event, always together."""

from __future__ import annotations

from audit.events import DatasetStateChanged
from audit.transaction import Transaction
from catalog import Dataset, DatasetState


def change_state(tx: Transaction, dataset: Dataset, target: DatasetState) -> None:
    previous = dataset.transition(target)
    tx.record(DatasetStateChanged(tenant=dataset.tenant_id, dataset=dataset.id,
                                  from_state=previous.value, to_state=target.value))
