"""Legal holds: compliance places and releases them; a held dataset is never purged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from airlock.api.deps import DatasetAccess, InstanceDep
from airlock.api.schemas import HoldOut, HoldRequest
from airlock.permissions import Permission
from audit import Actor
from retention import list_holds, place_hold, release_hold

router = APIRouter(prefix="/v1/datasets", tags=["holds"])
Compliance = Annotated[Actor, Depends(DatasetAccess(Permission.HOLDS_MANAGE))]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Already held, nothing to release, or purged."}}


@router.post("/{dataset_id}/holds", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def place(dataset_id: str, body: HoldRequest, instance: InstanceDep,
          actor: Compliance) -> HoldOut:
    """Place a legal hold: the dataset is not purged until it is released."""
    with instance.transaction(actor) as tx:
        return HoldOut.model_validate(place_hold(tx, dataset_id, body.reason))


@router.post("/{dataset_id}/holds/release", responses=CONFLICT)
def release(dataset_id: str, body: HoldRequest, instance: InstanceDep,
            actor: Compliance) -> HoldOut:
    """Release the dataset's open hold; it is purged when due."""
    with instance.transaction(actor) as tx:
        return HoldOut.model_validate(release_hold(tx, dataset_id, body.reason))


@router.get("/{dataset_id}/holds")
def index(dataset_id: str, instance: InstanceDep,
          actor: Compliance) -> list[HoldOut]:
    """Every hold of the dataset, open or released, newest first."""
    with instance.reading() as session:
        return [HoldOut.model_validate(h) for h in list_holds(session, dataset_id)]
