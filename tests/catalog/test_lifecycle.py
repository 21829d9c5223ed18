from __future__ import annotations

import itertools

import pytest

from catalog import TRANSITIONS, Dataset, DatasetState, IllegalTransitionError, LegalHoldError

S = DatasetState
HAPPY_PATH = [S.RECEIVED, S.VALIDATING, S.VALIDATED, S.ANONYMISING, S.READY, S.TRAINING,
              S.TRAINED, S.PURGING, S.PURGED]


def _dataset(state: DatasetState, hold: bool = False) -> Dataset:
    return Dataset(id="d1", tenant_id="t1", state=state, legal_hold=hold)


def test_happy_path_walks_every_state_in_order() -> None:
    dataset = _dataset(S.RECEIVED)
    for target in HAPPY_PATH[1:]:
        previous = dataset.state
        assert dataset.transition(target) is previous
    assert dataset.state is S.PURGED


def test_rejection_then_purge() -> None:
    dataset = _dataset(S.VALIDATING)
    dataset.transition(S.REJECTED)
    dataset.transition(S.PURGING)
    dataset.transition(S.PURGED)


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c, t in itertools.product(S, S) if t not in TRANSITIONS[c]],
)
def test_every_illegal_transition_is_refused_clearly(current: S, target: S) -> None:
    dataset = _dataset(current)
    with pytest.raises(IllegalTransitionError) as err:
        dataset.transition(target)
    assert f"'{current}'" in str(err.value) and f"'{target}'" in str(err.value)
    assert dataset.state is current


def test_purged_is_final() -> None:
    assert TRANSITIONS[S.PURGED] == frozenset()


def test_every_state_can_reach_purged() -> None:
    for start in S:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()] - seen:
                seen.add(nxt)
                frontier.append(nxt)
        assert S.PURGED in seen


def test_legal_hold_blocks_purging() -> None:
    dataset = _dataset(S.TRAINED, hold=True)
    with pytest.raises(LegalHoldError):
        dataset.transition(S.PURGING)
    assert dataset.state is S.TRAINED
