"""`airlock admin ...`: back up and restore the instance, rotate its signing key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from airlock.backup import BackupError, BackupResult, backup, restore
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, errors, print_json
from airlock.settings import Settings

admin_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                        help="Back up and restore the instance; rotate its signing key.")


@admin_app.command("backup")
def backup_command(
    destination: Annotated[Path, typer.Argument(help="A new (or empty) folder.")],
    as_json: JsonOption = False,
) -> None:
    """Copy the instance's own files into DESTINATION while it runs: the SQLite catalog (a
    consistent snapshot through SQLite's online backup), the local vault, the master key
    file and the witness; then verify the copy's audit log. A PostgreSQL catalog, an S3
    vault and a KMS key are backed up by their own tools (the manifest names them)."""
    with open_instance() as instance:
        result = _run(lambda: backup(instance, destination, local_actor()))
    _report(result, f"backed up into {destination}", as_json)


@admin_app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A folder `airlock admin backup` wrote.")],
    as_json: JsonOption = False,
) -> None:
    """Restore a backup into AIRLOCK_HOME, which must hold no instance, and verify its audit
    log there. Exit 1 when it does not verify (the files stay, for inspection)."""
    settings = Settings()
    result = _run(lambda: restore(source, settings))
    _report(result, f"restored into {settings.home.resolve()}", as_json)


class SigningKeyRotation(BaseModel):
    old_key_id: str
    new_key_id: str
    public_key: str
    """The new public key (PEM), to publish beside the old one."""


@admin_app.command("rotate-signing-key")
def rotate_signing_key(as_json: JsonOption = False) -> None:
    """Replace the instance's Ed25519 signing key (certificates, receipts, audit
    checkpoints). The old public key is kept: what it signed stays verifiable. The log is
    signed by the old key up to the rotation and by the new one from it; restart `airlock
    serve` and the workers so they sign with the new key."""
    with open_instance() as instance:
        try:
            old_key_id, signer = instance.rotate_signing_key(local_actor())
        except ValueError as exc:
            errors.print(f"error: {exc}")
            raise typer.Exit(1) from None
    rotation = SigningKeyRotation(old_key_id=old_key_id, new_key_id=signer.key_id,
                                  public_key=signer.public_pem)
    if as_json:
        print_json(rotation)
        return
    console.print(f"signing key {old_key_id} retired; new key {signer.key_id}:")
    console.print(rotation.public_key, end="")


def _run(action: Callable[[], BackupResult]) -> BackupResult:
    try:
        return action()
    except BackupError as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(1) from None


def _report(result: BackupResult, done: str, as_json: bool) -> None:
    verification = result.verification
    if as_json:
        print_json(result)
    else:
        console.print(done)
        manifest = result.manifest
        if manifest.database == "external":
            console.print("the PostgreSQL catalog is not in it: pg_dump / pg_restore it")
        if manifest.vault == "external":
            console.print("the S3 vault is not in it: back up the bucket by its own means")
        if manifest.master_key == "kms":
            console.print(f"the master key is the KMS key {manifest.kms_key_id}")
        if verification is not None:
            console.print(f"audit log: {'intact' if verification.intact else 'NOT INTACT'}, "
                          f"{verification.events_checked} events, "
                          f"{verification.checkpoints_checked} signed checkpoints")
    if verification is not None and not verification.intact:
        errors.print(f"the audit log does not verify: {verification.problem}")
        raise typer.Exit(1)
