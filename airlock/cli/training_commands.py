"""`airlock training ...`: the training pipeline marks training and reads the anonymised
copy, under the contract's authorised purpose. Refusals are audited (`retention.training`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from airlock.api.schemas import DatasetOut
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, emit
from airlock.instance import Instance
from audit import Actor
from retention import (
    audited_refusals,
    complete_training,
    open_for_training,
    start_training,
    training_shards,
)

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
         output: Annotated[Path | None, typer.Option(
             "--output", dir_okay=False,
             help="File to write the anonymised copy (one tar) to.")] = None,
         shards_dir: Annotated[Path | None, typer.Option(
             "--shards-dir", file_okay=False,
             help="Folder to write the copy's shards to instead, one tar each "
                  "(DATASET-00000.tar, ...), as a WebDataset loader reads them.")] = None,
         force: Annotated[bool, typer.Option(
             "--force", help="Overwrite files that exist.")] = False) -> None:
    """Write the anonymised copy of a ready (or training) dataset to a file, or its shards
    to a folder; audited."""
    if (output is None) == (shards_dir is None):
        raise typer.BadParameter("give either --output or --shards-dir")
    with open_instance() as instance:
        if output is not None:
            _refuse_existing(output, force)
            size = _write_file(output, partial(_copy_out, instance, dataset_id, purpose))
            console.print(f"wrote the anonymised copy of dataset {dataset_id} to {output} "
                          f"({size} bytes)")
            return
        assert shards_dir is not None
        count, size = _write_shards(instance, dataset_id, purpose, shards_dir, force)
    console.print(f"wrote the {count} shards of dataset {dataset_id} to {shards_dir} "
                  f"({size} bytes)")


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; pass --force to overwrite it")


def _write_file(output: Path, write: Callable[[BinaryIO], int]) -> int:
    # Written beside the target and renamed into place: an error leaves no partial file.
    # The temporary file comes first, so an unwritable folder fails before the audited read.
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.",
                                       suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as target:
            size = write(target)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return size


def _write_shards(instance: Instance, dataset_id: str, purpose: str, folder: Path,
                  force: bool) -> tuple[int, int]:
    """Each shard read (and audited) on its own, as a training job's loader would."""
    folder.mkdir(parents=True, exist_ok=True)
    with audited_refusals(instance.transactions(_operator())) as tx:
        indexes = [c.shard or 0 for c in training_shards(tx, dataset_id, purpose)]
    paths = {index: folder / f"{dataset_id}-{index:05d}.tar" for index in indexes}
    for path in paths.values():
        _refuse_existing(path, force)
    size = 0
    for index, path in paths.items():
        size += _write_file(path, partial(_copy_out, instance, dataset_id, purpose,
                                          shard=index))
    return len(paths), size


def _copy_out(instance: Instance, dataset_id: str, purpose: str, target: BinaryIO,
              *, shard: int | None = None) -> int:
    with audited_refusals(instance.transactions(_operator())) as tx:
        shards = open_for_training(tx, dataset_id, purpose, shard)
        key = instance.vault.data_key(tx.session, dataset_id)
    size = 0
    for chunk in instance.vault.joined_chunks(key, dataset_id, [c.id for c in shards]):
        target.write(chunk)
        size += len(chunk)
    return size
