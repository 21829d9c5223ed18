"""`airlock training ...`: the training pipeline marks training and reads the anonymised
copy, under the contract's authorised purpose. Refusals are audited (`retention.training`)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from airlock.api.schemas import DatasetOut
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, emit
from airlock.instance import Instance
from audit import Actor
from retention import audited_refusals, complete_training, open_for_training, start_training

training_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                           help="Mark training started and completed; read the anonymised "
                                "copy for training.")
TRAINING_COLUMNS = ("id", "state", "training_started_at", "trained_at", "purge_due_at",
                    "legal_hold")
DatasetArgument = Annotated[str, typer.Argument(help="Dataset id.")]
PurposeOption = Annotated[str, typer.Option(
    help="The purpose the data is used for; must be the contract's authorised purpose.")]


def _operator() -> Actor:
    # The training pipeline's role, whoever runs it: the uid stays the audited identity.
    return local_actor().model_copy(update={"role": "operator"})


@training_app.command("started")
def started(dataset_id: DatasetArgument, purpose: PurposeOption,
            as_json: JsonOption = False) -> None:
    """Mark training started on a ready dataset, under the contract's purpose."""
    with open_instance() as instance, \
            audited_refusals(instance.transactions(_operator())) as tx:
        dataset = DatasetOut.model_validate(
            start_training(tx, dataset_id, purpose, datetime.now(UTC)))
    emit(dataset, as_json, TRAINING_COLUMNS)


@training_app.command("completed")
def completed(dataset_id: DatasetArgument, as_json: JsonOption = False) -> None:
    """Mark training completed: the purge becomes due after the contract's retention days."""
    with open_instance() as instance, \
            audited_refusals(instance.transactions(_operator())) as tx:
        dataset = DatasetOut.model_validate(complete_training(tx, dataset_id,
                                                              datetime.now(UTC)))
    emit(dataset, as_json, TRAINING_COLUMNS)


@training_app.command("read")
def read(dataset_id: DatasetArgument, purpose: PurposeOption,
         output: Annotated[Path, typer.Option(
             "--output", dir_okay=False, help="File to write the anonymised copy (a tar) to.")],
         force: Annotated[bool, typer.Option(
             "--force", help="Overwrite OUTPUT if it exists.")] = False) -> None:
    """Write the anonymised copy of a ready (or training) dataset to a file; audited."""
    if output.exists() and not force:
        raise FileExistsError(f"{output} exists; pass --force to overwrite it")
    with open_instance() as instance:
        size = _write_copy(instance, dataset_id, purpose, output)
    console.print(f"wrote the anonymised copy of dataset {dataset_id} to {output} "
                  f"({size} bytes)")


def _write_copy(instance: Instance, dataset_id: str, purpose: str, output: Path) -> int:
    # Written beside the target and renamed into place: an error leaves no partial file.
    # The temporary file comes first, so an unwritable folder fails before the audited read.
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.",
                                       suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as target:
            size = _copy_out(instance, dataset_id, purpose, target)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return size


def _copy_out(instance: Instance, dataset_id: str, purpose: str, target: BinaryIO) -> int:
    with audited_refusals(instance.transactions(_operator())) as tx:
        copy = open_for_training(tx, dataset_id, purpose)
        key = instance.vault.data_key(tx.session, dataset_id)
    size = 0
    for chunk in instance.vault.chunks(key, dataset_id, copy.id):
        target.write(chunk)
        size += len(chunk)
    return size
