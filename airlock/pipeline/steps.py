"""Which step moves a dataset on from each state."""

from __future__ import annotations

from enum import StrEnum

from catalog import DatasetState


class Step(StrEnum):
    VALIDATE = "validate"
    ANONYMISE = "anonymise"
    ABANDON = "abandon"
    """Give up an upload cut off mid-stream, and purge it."""
    DELETE_COPIES = "delete_copies"
    """A rejected dataset's copies go at once, through the purge; its key stays so the
    client can read the sealed validation report."""
    PURGE = "purge"
    """A rejected dataset's purge finishes once its report was kept long enough
    (AIRLOCK_REJECTED_REPORT_SECONDS)."""


NEXT_STEP: dict[DatasetState, Step | None] = {
    DatasetState.RECEIVED: Step.VALIDATE,  # once the upload is complete (it has a digest)
    DatasetState.VALIDATING: Step.VALIDATE,
    DatasetState.REJECTED: Step.PURGE,  # its copies deleted at once, its key once due
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


def next_step(state: DatasetState, uploaded: bool, stale: bool, copies: bool = False,
              due: bool = False) -> Step | None:
    """The table's step; for `received`, only once the upload is complete (`uploaded`: it has
    a digest). An upload never completed is abandoned once `stale` (older than
    AIRLOCK_UPLOAD_ABANDON_SECONDS); until then its request may still be streaming. A
    rejected dataset's `copies` are deleted at once, its purge finishes once `due`."""
    if state is DatasetState.RECEIVED and not uploaded:
        return Step.ABANDON if stale else None
    if state is DatasetState.REJECTED:
        return Step.PURGE if due else Step.DELETE_COPIES if copies else None
    return NEXT_STEP[state]
