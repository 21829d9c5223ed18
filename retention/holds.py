"""Legal holds: while one is open the dataset is never purged.

At most one hold is open per dataset; `Dataset.legal_hold` mirrors it, so the lifecycle
check (`Dataset.transition`) refuses the purge without a query."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import Transaction
from catalog import ConflictError, DatasetState, LegalHold, get_dataset, utcnow
from retention.events import LegalHoldPlaced, LegalHoldReleased, Reason

_REASON: TypeAdapter[str] = TypeAdapter(Reason)


class HoldReasonError(ValueError):
    def __init__(self) -> None:
        super().__init__("the reason must be one line of 3 to 200 visible characters (no control, "
                         "bidi or zero-width characters)")


def place_hold(tx: Transaction, dataset_id: str, reason: str) -> LegalHold:
    reason = _checked(reason)
    dataset = get_dataset(tx.session, dataset_id, for_update=True)
    if dataset.state in (DatasetState.PURGING, DatasetState.PURGED):
        # A purge under way has deleted objects already; it can only be finished.
        raise ConflictError(f"dataset {dataset.id} is {dataset.state.value}: its data is "
                            "being or has been deleted and cannot be held")
    held = open_hold(tx.session, dataset.id)
    if held is not None:
        raise ConflictError(f"dataset {dataset.id} is already under legal hold {held.id}")
    hold = LegalHold(dataset_id=dataset.id, reason=reason, placed_by=tx.actor.id,
                     placed_at=utcnow())
    tx.session.add(hold)
    tx.session.flush()
    dataset.legal_hold = True
    tx.record(LegalHoldPlaced(tenant=dataset.tenant_id, dataset=dataset.id, hold_id=hold.id,
                              reason=reason))
    return hold


def release_hold(tx: Transaction, dataset_id: str, reason: str) -> LegalHold:
    reason = _checked(reason)
    dataset = get_dataset(tx.session, dataset_id, for_update=True)
    hold = open_hold(tx.session, dataset.id)
    if hold is None:
        raise ConflictError(f"dataset {dataset.id} has no open legal hold to release")
    hold.released_by = tx.actor.id
    hold.released_at = utcnow()
    hold.release_reason = reason
    dataset.legal_hold = False
    tx.record(LegalHoldReleased(tenant=dataset.tenant_id, dataset=dataset.id,
                                hold_id=hold.id, reason=reason))
    return hold


def open_hold(session: Session, dataset_id: str) -> LegalHold | None:
    return session.execute(
        select(LegalHold).where(LegalHold.dataset_id == dataset_id,
                                LegalHold.released_at.is_(None))
    ).scalar_one_or_none()


def list_holds(session: Session, dataset_id: str) -> list[LegalHold]:
    """Every hold of the dataset, open or released, newest first."""
    return list(session.execute(
        select(LegalHold).where(LegalHold.dataset_id == dataset_id)
        .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())
    ).scalars())


def _checked(reason: str) -> str:
    # Surrounding whitespace (a trailing newline from a shell) is not part of the reason.
    try:
        return _REASON.validate_python(reason.strip())
    except ValidationError:
        raise HoldReasonError from None
