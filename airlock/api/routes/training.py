"""Training: the operator marks training and reads the anonymised copy, under the contract's
authorised purpose; refusals are audited (see `retention.training`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import StreamingResponse

from airlock.api.deps import DatasetAccess, InstanceDep
from airlock.api.problems import Problem
from airlock.api.schemas import DatasetOut, ShardOut, TrainingRead, TrainingStart
from airlock.permissions import Permission
from audit import Actor
from retention import (
    RefusalReason,
    TrainingRefusedError,
    audited_refusals,
    complete_training,
    open_for_training,
    start_training,
    training_shards,
)
from vault import joined_size

router = APIRouter(prefix="/v1/datasets", tags=["training"])
Manager = Annotated[Actor, Depends(DatasetAccess(Permission.TRAINING_MANAGE))]
DataReader = Annotated[Actor, Depends(DatasetAccess(Permission.TRAINING_DATA_READ))]
REFUSAL_STATUS = {RefusalReason.PURPOSE_MISMATCH: 403, RefusalReason.NOT_READY: 409}
REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The purpose is not the contract's authorised one."},
    409: {"description": "The dataset is not in a state that allows this."}}
# The anonymised copy is always an uncompressed tar (vault.shards), whatever
# the format of the upload it was made from.
ANONYMISED_SUFFIX = ".anonymised.tar"
SHARD_SUFFIX = ".tar"


def _refused(exc: TrainingRefusedError) -> Problem:
    return Problem(REFUSAL_STATUS[exc.reason], str(exc), reason=exc.reason.value)


@router.post("/{dataset_id}/training/start", responses=REFUSALS)
def start(dataset_id: str, body: TrainingStart, instance: InstanceDep,
          actor: Manager) -> DatasetOut:
    """Training starts on a ready dataset, under the contract's authorised purpose."""
    try:
        with audited_refusals(instance.transactions(actor)) as tx:
            return DatasetOut.model_validate(
                start_training(tx, dataset_id, body.purpose, datetime.now(UTC)))
    except TrainingRefusedError as exc:
        raise _refused(exc) from None


@router.post("/{dataset_id}/training/complete", responses={409: REFUSALS[409]})
def complete(dataset_id: str, instance: InstanceDep,
             actor: Manager) -> DatasetOut:
    """Training finished: the purge is due after the contract's retention days."""
    with instance.transaction(actor) as tx:
        return DatasetOut.model_validate(complete_training(tx, dataset_id, datetime.now(UTC)))


@router.post("/{dataset_id}/anonymised", response_class=StreamingResponse, responses={
    200: {"content": {"application/octet-stream": {}},
          "description": "The anonymised copy, a tar of the rewritten files and labels."},
    **REFUSALS})
def anonymised(dataset_id: str, body: TrainingRead, instance: InstanceDep,
               actor: DataReader) -> StreamingResponse:
    """The anonymised copy of a ready (or training) dataset, for training under the contract's
    authorised purpose, given in the body (`{"purpose": "..."}`) so that no URL, access log
    or proxy records it; every read is audited with the purpose's SHA-256. The raw copy is
    never served."""
    try:
        with audited_refusals(instance.transactions(actor)) as tx:
            shards = open_for_training(tx, dataset_id, body.purpose)
            key = instance.vault.data_key(tx.session, dataset_id)
    except TrainingRefusedError as exc:
        raise _refused(exc) from None
    size = joined_size(c.plaintext_size for c in shards)
    headers = {"Cache-Control": "no-store", "Content-Length": str(size),
               "Content-Disposition": f'attachment; filename="{dataset_id}{ANONYMISED_SUFFIX}"'}
    return StreamingResponse(
        instance.vault.joined_chunks(key, dataset_id, [c.id for c in shards]),
        media_type="application/octet-stream", headers=headers)


@router.post("/{dataset_id}/anonymised/shards", responses=REFUSALS)
def shards(dataset_id: str, body: TrainingRead, instance: InstanceDep,
           actor: DataReader) -> list[ShardOut]:
    """The anonymised copy's shards, in order: each a plain tar that a WebDataset or PyTorch
    loader reads as it is (`POST .../anonymised/shards/{index}`). Listing them reads no data
    and is not audited; a refusal is."""
    try:
        with audited_refusals(instance.transactions(actor)) as tx:
            copies = training_shards(tx, dataset_id, body.purpose)
    except TrainingRefusedError as exc:
        raise _refused(exc) from None
    return [ShardOut(index=c.shard or 0, size=c.plaintext_size, sha256=c.digest)
            for c in copies]


@router.post("/{dataset_id}/anonymised/shards/{index}", response_class=StreamingResponse,
             responses={200: {"content": {"application/octet-stream": {}},
                              "description": "One shard of the anonymised copy, a tar."},
                        404: {"description": "No shard with this index."}, **REFUSALS})
def shard(dataset_id: str, index: Annotated[int, Path(ge=0, le=10**9)], body: TrainingRead,
          instance: InstanceDep, actor: DataReader) -> StreamingResponse:
    """One shard of the anonymised copy, under the contract's authorised purpose (in the
    body); every read is audited with the purpose's SHA-256."""
    try:
        with audited_refusals(instance.transactions(actor)) as tx:
            [copy] = open_for_training(tx, dataset_id, body.purpose, shard=index)
            key = instance.vault.data_key(tx.session, dataset_id)
    except TrainingRefusedError as exc:
        raise _refused(exc) from None
    headers = {"Cache-Control": "no-store", "Content-Length": str(copy.plaintext_size),
               "Content-Disposition":
                   f'attachment; filename="{dataset_id}-{index:05d}{SHARD_SUFFIX}"'}
    return StreamingResponse(instance.vault.chunks(key, dataset_id, copy.id),
                             media_type="application/octet-stream", headers=headers)
