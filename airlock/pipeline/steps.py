"""Which step moves a dataset on from each state."""

from __future__ import annotations

from enum import StrEnum

from catalog import DatasetState


class Step(StrEnum):
    VALIDATE = "validate"
    ANONYMISE = "anonymise"


NEXT_STEP: dict[DatasetState, Step | None] = {
    DatasetState.RECEIVED: Step.VALIDATE,  # once the upload is complete (it has a digest)
    DatasetState.VALIDATING: Step.VALIDATE,
    DatasetState.REJECTED: None,  # the retention sweep purges it at once
    DatasetState.VALIDATED: Step.ANONYMISE,
    DatasetState.ANONYMISING: Step.ANONYMISE,
    DatasetState.READY: None,
    DatasetState.TRAINING: None,
    DatasetState.TRAINED: None,
    DatasetState.PURGING: None,  # the retention sweep finishes it
    DatasetState.PURGED: None,
}
"""Every state, and the step that runs next in it (None: the pipeline has nothing to do)."""

INTERRUPTED: frozenset[DatasetState] = frozenset(
    {DatasetState.VALIDATING, DatasetState.ANONYMISING})
"""States a step leaves behind only while it runs: found with no run live, it was cut off."""
