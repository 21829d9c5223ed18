"""Catalog rows for list tests: many datasets at chosen times, states and due dates, written
straight to the catalog (uploading each would take a second apiece)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from airlock.admin import approve, new_tenant
from airlock.instance import Instance
from audit import SYSTEM
from catalog import DatasetState, create_dataset, utcnow
from intake import add_contract
from tests.airlock.conftest import compliance_actor, tokens_for_every_role
from tests.intake.datasets import contract_yaml
from vocabulary import Layout


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


@dataclass(frozen=True)
class Listing:
    tenants: dict[str, str]
    """name -> id"""
    tokens: dict[str, str]
    token_ids: dict[str, str]
    due: dict[str, str]
    """soon, later, overdue, purged, other_soon -> dataset id"""

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def seed_listing(instance: Instance) -> Listing:
    """Two tenants: `own` with 13 datasets (three of them created at the same instant), and
    `other` with 7; some trained with purge dates in the past and the future."""
    with instance.transaction(SYSTEM) as tx:
        tenants = {name: new_tenant(tx, name).id for name in ("own", "other")}
        issued = tokens_for_every_role(tx)
        contracts = {name: add_contract(tx, name, contract_yaml(Layout.CLASS_FOLDERS))[0].id
                     for name in tenants}
    with instance.transaction(compliance_actor(issued["compliance"].token_id)) as tx:
        approve(tx, issued["reidentifier"].token_id)
    now = utcnow()
    base = now - timedelta(hours=1)
    own, other = tenants["own"], tenants["other"]
    add_datasets(instance, own, contracts["own"], 7, newest=base)
    tie = base - timedelta(seconds=3, microseconds=500)
    add_datasets(instance, own, contracts["own"], 3, newest=tie, step=timedelta(0))
    add_datasets(instance, other, contracts["other"], 5, newest=base - timedelta(milliseconds=1500))
    trained = DatasetState.TRAINED
    due = {
        "soon": add_datasets(instance, own, contracts["own"], 1, newest=base - timedelta(days=1),
                             state=trained, purge_due_at=now + timedelta(days=5))[0],
        "later": add_datasets(instance, own, contracts["own"], 1, newest=base - timedelta(days=2),
                              state=trained, purge_due_at=now + timedelta(days=40))[0],
        "overdue": add_datasets(instance, own, contracts["own"], 1,
                                newest=base - timedelta(days=3), state=trained,
                                purge_due_at=now - timedelta(days=2))[0],
        "other_soon": add_datasets(instance, other, contracts["other"], 1,
                                   newest=base - timedelta(days=1, seconds=1), state=trained,
                                   purge_due_at=now + timedelta(days=3))[0],
        "purged": add_datasets(instance, other, contracts["other"], 1,
                               newest=base - timedelta(days=4), state=DatasetState.PURGED,
                               purge_due_at=now - timedelta(days=1))[0],
    }
    return Listing(tenants, {k: v.plaintext for k, v in issued.items()},
                   {k: v.token_id for k, v in issued.items()}, due)
