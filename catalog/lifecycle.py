"""The dataset lifecycle: its states and the only transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum


class DatasetState(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    REJECTED = "rejected"
    VALIDATED = "validated"
    ANONYMISING = "anonymising"
    READY = "ready"
    TRAINING = "training"
    TRAINED = "trained"
    PURGING = "purging"
    PURGED = "purged"


_S = DatasetState

# Every state that holds data may be purged (rejected at once, untrained after the maximum
# age, trained after retention); purging may be resumed after a crash, so it loops.
TRANSITIONS: dict[DatasetState, frozenset[DatasetState]] = {
    _S.RECEIVED: frozenset({_S.VALIDATING, _S.PURGING}),
    _S.VALIDATING: frozenset({_S.REJECTED, _S.VALIDATED, _S.PURGING}),
    _S.REJECTED: frozenset({_S.PURGING}),
    _S.VALIDATED: frozenset({_S.ANONYMISING, _S.PURGING}),
    _S.ANONYMISING: frozenset({_S.READY, _S.VALIDATED, _S.PURGING}),
    _S.READY: frozenset({_S.TRAINING, _S.PURGING}),
    _S.TRAINING: frozenset({_S.TRAINED, _S.PURGING}),
    _S.TRAINED: frozenset({_S.PURGING}),
    _S.PURGING: frozenset({_S.PURGING, _S.PURGED}),
    _S.PURGED: frozenset(),
}


class IllegalTransitionError(ValueError):
    """A dataset was asked to move to a state its current state does not lead to."""

    def __init__(self, dataset_id: str, current: DatasetState, target: DatasetState) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final state)"
        super().__init__(
            f"dataset {dataset_id}: cannot go from '{current}' to '{target}'; "
            f"allowed from '{current}': {allowed}"
        )
        self.dataset_id = dataset_id
        self.current = current
        self.target = target


def check_transition(dataset_id: str, current: DatasetState, target: DatasetState) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransitionError(dataset_id, current, target)
