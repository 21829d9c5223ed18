"""Datasets for the retention tests, made by the real pipeline (upload, validation,
anonymisation) and then moved along the lifecycle with the dates a test needs."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import update

from airlock.admin import new_tenant
from airlock.anonymisation import anonymise
from airlock.instance import Instance
from audit import SYSTEM, change_state
from catalog import Contract, Dataset, DatasetState, get_dataset
from intake import add_contract, receive_upload, validate_dataset
from tests.intake.datasets import CONTRACTS, dataset_files, pack
from vocabulary import Layout

PURPOSE = "Training a pet classifier for shelter intake"
RETENTION_DAYS = 7
"""Not the default (30): completion must take the contract's."""


def contract(instance: Instance, days: int = RETENTION_DAYS, tenant: str = "acme") -> Contract:
    """A tenant and its contract, purged `days` after training; images kept (the redaction
    models are not what these tests are about)."""
    text = (f"name: retained\npurpose: {PURPOSE}\nretention_days: {days}\n"
            f"{CONTRACTS[Layout.CLASS_FOLDERS]}\n"
            "volume: {classes: [cat, dog], min_items: 2}\n"
            "anonymisation: {images: keep}\n")
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, tenant)
        return add_contract(tx, tenant, text)[0]


def uploaded(instance: Instance, found: Contract) -> Dataset:
    """A dataset just received: not validated, so not ready."""
    return receive_upload(instance.transactions(SYSTEM), instance.vault, found,
                          io.BytesIO(pack(dataset_files(Layout.CLASS_FOLDERS), "zip")), 10**9)


def ready(instance: Instance, found: Contract | None = None) -> str:
    """A dataset uploaded, validated and anonymised: `ready`, with its raw and anonymised
    copies in the vault."""
    dataset = uploaded(instance, found or contract(instance))
    report = validate_dataset(instance.transactions(SYSTEM), instance.vault, dataset.id,
                              instance.validation_options())
    assert report.outcome == "accepted", report.problems
    anonymise(instance, SYSTEM, dataset.id)
    return dataset.id


def trained(instance: Instance, found: Contract, trained_at: datetime, days: int = 30) -> str:
    """A ready dataset whose training completed at `trained_at`: due `days` later."""
    dataset_id = ready(instance, found)
    with instance.transaction(SYSTEM) as tx:
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        change_state(tx, dataset, DatasetState.TRAINING)
        dataset.training_started_at = trained_at - timedelta(hours=1)
        change_state(tx, dataset, DatasetState.TRAINED)
        dataset.trained_at = trained_at
        dataset.purge_due_at = trained_at + timedelta(days=days)
    return dataset_id


def backdate(instance: Instance, dataset_id: str, uploaded_at: datetime) -> None:
    """As if the dataset had been uploaded at `uploaded_at` (the untrained maximum age)."""
    with instance.transaction(SYSTEM) as tx:
        tx.session.execute(update(Dataset).where(Dataset.id == dataset_id)
                           .values(created_at=uploaded_at))
