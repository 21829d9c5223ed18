"""`airlock certificate show|verify DATASET`: the deletion certificate of a purged dataset."""

from __future__ import annotations

from typing import Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, errors, print_json
from retention import CertificateCheck, check_certificate, render_text, stored_certificate

certificate_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                              help="Show and verify deletion certificates.")
DatasetArg = Annotated[str, typer.Argument(help="Dataset id.")]


@certificate_app.command("show")
def show(dataset_id: DatasetArg, as_json: JsonOption = False) -> None:
    """The certificate as signed (JSON) or as a person reads it."""
    with open_instance() as instance, instance.reading() as session:
        certificate = stored_certificate(session, dataset_id)
    if as_json:
        print_json(certificate)
    else:
        typer.echo(render_text(certificate), nl=False)


@certificate_app.command("verify")
def verify(dataset_id: DatasetArg, as_json: JsonOption = False) -> None:
    """Check the certificate's signature, its checkpoint's signature, and that the audit
    log still has the tree the checkpoint signed. Exit 0 only when all hold."""
    with open_instance() as instance, instance.reading() as session:
        result: CertificateCheck = check_certificate(session, dataset_id)
    if as_json:
        print_json(result)
    elif result.valid:
        console.print(f"valid: certificate {result.certificate_id} of dataset {dataset_id}, "
                      f"signed by key {result.key_id}; the audit log up to event "
                      f"{result.tree_size} matches its signed checkpoint")
    else:
        errors.print(f"INVALID: {result.problem}")
    if not result.valid:
        raise typer.Exit(1)
