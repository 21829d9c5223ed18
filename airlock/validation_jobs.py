"""Work the service owes at start: datasets uploaded but not yet (fully) validated, then
validated ones not yet (fully) anonymised."""

from __future__ import annotations

import logging

from sqlalchemy import select

from airlock.anonymisation import resume_anonymisations
from airlock.instance import Instance
from audit import Actor
from catalog import Dataset, DatasetState
from intake import validate_dataset

log = logging.getLogger("airlock.intake")
WORKER = Actor(id="airlock-validator", role="system")


def pending_validations(instance: Instance) -> list[str]:
    with instance.reading() as session:
        return list(session.execute(
            select(Dataset.id).where(
                Dataset.state.in_([DatasetState.RECEIVED, DatasetState.VALIDATING]),
                Dataset.upload_sha256.is_not(None),  # an upload still streaming has none yet
            ).order_by(Dataset.created_at)
        ).scalars())


def resume_validations(instance: Instance) -> int:
    """Validate what a crash or restart interrupted; returns how many were finished."""
    done = 0
    for dataset_id in pending_validations(instance):
        try:
            validate_dataset(instance.transactions(WORKER), instance.vault, dataset_id,
                             instance.validation_options())
            done += 1
        except Exception:
            log.exception("resuming validation of dataset %s failed", dataset_id)
    return done


def resume_work(instance: Instance) -> None:
    resume_validations(instance)
    resume_anonymisations(instance)
