"""Legal holds: compliance places and releases them; a held dataset is never purged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status

from airlock.api.deps import InstanceDep, Requires, ensure_dataset_tenant
from airlock.api.schemas import HoldOut, HoldRequest
from airlock.permissions import Permission
from audit import Actor
from retention.holds import list_holds, place_hold, release_hold

router = APIRouter(prefix="/v1/datasets", tags=["holds"])
Compliance = Annotated[Actor, Depends(Requires(Permission.HOLDS_MANAGE))]
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Already held, nothing to release, or purged."}}


@router.post("/{dataset_id}/holds", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def place(dataset_id: str, body: HoldRequest, request: Request, instance: InstanceDep,
          actor: Compliance) -> HoldOut:
    """Place a legal hold: the dataset is not purged until it is released."""
    ensure_dataset_tenant(instance, request, actor, dataset_id)
    with instance.transaction(actor) as tx:
        return HoldOut.model_validate(place_hold(tx, dataset_id, body.reason))


@router.post("/{dataset_id}/holds/release", responses=CONFLICT)
def release(dataset_id: str, body: HoldRequest, request: Request, instance: InstanceDep,
            actor: Compliance) -> HoldOut:
    """Release the dataset's open hold; it is purged when due."""
    ensure_dataset_tenant(instance, request, actor, dataset_id)
    with instance.transaction(actor) as tx:
        return HoldOut.model_validate(release_hold(tx, dataset_id, body.reason))


@router.get("/{dataset_id}/holds")
def index(dataset_id: str, request: Request, instance: InstanceDep,
          actor: Compliance) -> list[HoldOut]:
    """Every hold of the dataset, open or released, newest first."""
    ensure_dataset_tenant(instance, request, actor, dataset_id)
    with instance.reading() as session:
        return [HoldOut.model_validate(h) for h in list_holds(session, dataset_id)]
