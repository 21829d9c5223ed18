"""Legal holds on real instances: placed and released with their reasons audited, the
dataset's flag in step, refusals for a second hold, no hold, or a dataset being or already
purged."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from airlock.instance import Instance
from audit import SYSTEM, Actor, change_state
from catalog import (
    AuditEventRecord,
    ConflictError,
    DatasetState,
    LegalHold,
    LegalHoldError,
    get_dataset,
)
from retention.holds import HoldReasonError, list_holds, open_hold, place_hold, release_hold
from tests.retention import datasets

OFFICER = Actor(id="officer-7", role="compliance")


@pytest.fixture
def dataset_id(instance: Instance) -> str:
    return datasets.uploaded(instance, datasets.contract(instance)).id


def place(instance: Instance, dataset_id: str, reason: str) -> LegalHold:
    with instance.transaction(OFFICER) as tx:
        return place_hold(tx, dataset_id, reason)


def release(instance: Instance, dataset_id: str, reason: str) -> LegalHold:
    with instance.transaction(OFFICER) as tx:
        return release_hold(tx, dataset_id, reason)


def held(instance: Instance, dataset_id: str) -> tuple[bool, LegalHold | None]:
    with instance.reading() as session:
        return get_dataset(session, dataset_id).legal_hold, open_hold(session, dataset_id)


def events(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action).order_by(AuditEventRecord.seq)).scalars())


def test_a_hold_is_placed_and_released_with_its_reasons_audited(instance: Instance,
                                                                dataset_id: str) -> None:
    hold = place(instance, dataset_id, "  Litigation: case 2027-114 \n")
    assert (hold.reason, hold.placed_by, hold.released_at) == ("Litigation: case 2027-114",
                                                               "officer-7", None)
    assert isinstance(hold.placed_at, datetime)
    flag, open_now = held(instance, dataset_id)
    assert flag and open_now is not None and open_now.id == hold.id
    [placed] = events(instance, "retention.hold_placed")
    assert (placed.dataset_id, placed.actor, placed.role) == (dataset_id, "officer-7",
                                                              "compliance")
    assert placed.object_ids == {"hold_id": hold.id}
    assert placed.details == {"reason": "Litigation: case 2027-114"}

    released = release(instance, dataset_id, "Case settled")
    assert released.id == hold.id and released.released_by == "officer-7"
    assert released.release_reason == "Case settled" and released.released_at is not None
    assert held(instance, dataset_id) == (False, None)
    [freed] = events(instance, "retention.hold_released")
    assert freed.object_ids == {"hold_id": hold.id}
    assert freed.details == {"reason": "Case settled"}


def test_holds_are_listed_newest_first(instance: Instance, dataset_id: str) -> None:
    first = place(instance, dataset_id, "First inquiry")
    release(instance, dataset_id, "Inquiry closed")
    second = place(instance, dataset_id, "Second inquiry")
    with instance.reading() as session:
        listed = list_holds(session, dataset_id)
    assert [h.id for h in listed] == [second.id, first.id]
    assert [h.released_at is None for h in listed] == [True, False]


def test_a_second_hold_is_refused(instance: Instance, dataset_id: str) -> None:
    hold = place(instance, dataset_id, "Regulator request")
    with pytest.raises(ConflictError, match=f"already under legal hold {hold.id}"):
        place(instance, dataset_id, "Another request")
    with instance.reading() as session:
        assert [h.id for h in list_holds(session, dataset_id)] == [hold.id]
    assert held(instance, dataset_id)[0]
    assert len(events(instance, "retention.hold_placed")) == 1


def test_releasing_without_a_hold_is_refused(instance: Instance, dataset_id: str) -> None:
    with pytest.raises(ConflictError, match="has no open legal hold to release"):
        release(instance, dataset_id, "Nothing to release")
    place(instance, dataset_id, "Regulator request")
    release(instance, dataset_id, "Request withdrawn")
    with pytest.raises(ConflictError, match="has no open legal hold"):
        release(instance, dataset_id, "Once more")
    assert events(instance, "retention.hold_released") != []
    assert held(instance, dataset_id) == (False, None)


def test_a_purging_or_purged_dataset_cannot_be_held(instance: Instance,
                                                    dataset_id: str) -> None:
    for target in (DatasetState.PURGING, DatasetState.PURGED):
        with instance.transaction(SYSTEM) as tx:
            change_state(tx, get_dataset(tx.session, dataset_id, for_update=True), target)
        with pytest.raises(ConflictError, match=f"is {target.value}"):
            place(instance, dataset_id, "Too late")
        assert held(instance, dataset_id) == (False, None)
    assert events(instance, "retention.hold_placed") == []


def test_a_held_dataset_is_not_purged_until_released(instance: Instance,
                                                     dataset_id: str) -> None:
    place(instance, dataset_id, "Litigation")
    with pytest.raises(LegalHoldError), instance.transaction(SYSTEM) as tx:
        change_state(tx, get_dataset(tx.session, dataset_id), DatasetState.PURGING)
    release(instance, dataset_id, "Litigation over")
    with instance.transaction(SYSTEM) as tx:
        change_state(tx, get_dataset(tx.session, dataset_id), DatasetState.PURGING)


@pytest.mark.parametrize("reason", ["ok", "two\nlines", "x" * 201, "   "])
def test_a_reason_is_one_line_of_3_to_200_characters(instance: Instance, dataset_id: str,
                                                     reason: str) -> None:
    with pytest.raises(HoldReasonError, match="one line of 3 to 200 visible characters"):
        place(instance, dataset_id, reason)
    assert held(instance, dataset_id) == (False, None)
