"""`airlock receipt show DATASET`: a dataset's signed intake receipt (verify it with
`airlock certificate verify --file`)."""

from __future__ import annotations

from typing import Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, print_json
from catalog import receipt_body
from intake import IntakeReceipt, render_receipt_text

receipt_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                          help="Show intake receipts (verify them like certificates).")


@receipt_app.command("show")
def show(dataset_id: Annotated[str, typer.Argument(help="Dataset id.")],
         as_json: JsonOption = False) -> None:
    """The receipt as signed (JSON: save it to verify it anywhere) or as a person reads it."""
    with open_instance() as instance, instance.reading() as session:
        receipt = IntakeReceipt.model_validate_json(receipt_body(session, dataset_id))
    if as_json:
        print_json(receipt)
    else:
        typer.echo(render_receipt_text(receipt), nl=False)
