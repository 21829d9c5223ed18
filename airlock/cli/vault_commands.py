"""`airlock vault ...`."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import BaseModel

from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, emit
from airlock.vault_admin import rotate_master_key

vault_app = typer.Typer(cls=AirlockGroup, help="Manage the vault's keys.", no_args_is_help=True)


class Rotation(BaseModel):
    old_master_key_id: str
    new_master_key_id: str
    keys_rewrapped: int


@vault_app.command("rotate-key")
def rotate_key(
    kms_key_id: Annotated[str | None, typer.Option(
        help="With KMS: the new KMS key to wrap under (then set AIRLOCK_KMS_KEY_ID to it).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rewrap every data key under a new master key; the data is not re-encrypted."""
    with open_instance() as instance:
        old, new, count = rotate_master_key(instance, local_actor(), kms_key_id)
    emit(Rotation(old_master_key_id=old, new_master_key_id=new, keys_rewrapped=count),
         as_json, ("old_master_key_id", "new_master_key_id", "keys_rewrapped"))
