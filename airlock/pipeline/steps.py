"""Which step moves a dataset on from each state."""

from __future__ import annotations

from enum import StrEnum

from catalog import DatasetState


class Step(StrEnum):
    VALIDATE = "validate"
    ANONYMISE = "anonymise"
    ABANDON = "abandon"
    """Give up an upload cut off mid-stream, and purge it."""


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


def next_step(state: DatasetState, uploaded: bool, stale: bool) -> Step | None:
    """The table's step; for `received`, only once the upload is complete (`uploaded`: it has
    a digest). An upload never completed is abandoned once `stale` (older than
    AIRLOCK_UPLOAD_ABANDON_SECONDS); until then its request may still be streaming."""
    if state is DatasetState.RECEIVED and not uploaded:
        return Step.ABANDON if stale else None
    return NEXT_STEP[state]
