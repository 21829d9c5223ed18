"""`airlock retention hold` and `airlock retention release`: compliance's legal holds."""

from __future__ import annotations

from typing import Annotated

import typer

from airlock.api.schemas import HoldOut
from airlock.cli.context import local_actor, open_instance
from airlock.cli.output import JsonOption, emit
from audit import Actor
from retention import place_hold, release_hold

HOLD_COLUMNS = ("id", "dataset_id", "reason", "placed_by", "placed_at", "released_by",
                "released_at", "release_reason")
DatasetArgument = Annotated[str, typer.Argument(help="Dataset id.")]
ReasonOption = Annotated[str, typer.Option(
    "--reason", help="Why, for the record: one line of 3 to 200 characters, no personal data.")]


def _compliance() -> Actor:
    # Holds are compliance's act, whoever runs the command: the uid stays the audited id.
    return local_actor().model_copy(update={"role": "compliance"})


def hold(dataset_id: DatasetArgument, reason: ReasonOption, as_json: JsonOption = False) -> None:
    """Place a legal hold: the dataset is not purged until the hold is released."""
    with open_instance() as instance, instance.transaction(_compliance()) as tx:
        placed = HoldOut.model_validate(place_hold(tx, dataset_id, reason))
    emit(placed, as_json, HOLD_COLUMNS)


def release(dataset_id: DatasetArgument, reason: ReasonOption,
            as_json: JsonOption = False) -> None:
    """Release the dataset's open legal hold; it is purged when due."""
    with open_instance() as instance, instance.transaction(_compliance()) as tx:
        released = HoldOut.model_validate(release_hold(tx, dataset_id, reason))
    emit(released, as_json, HOLD_COLUMNS)
