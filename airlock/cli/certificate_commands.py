"""`airlock certificate show|verify DATASET`: the deletion certificate of a purged dataset;
`airlock certificate verify --file`: any certificate or receipt, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, errors, print_json
from airlock.evidence import Verdict, verify_document
from airlock_client.evidence_verifier import MalformedError, load_json, parse_public_key
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
def verify(dataset_id: Annotated[str | None, typer.Argument(
               help="Dataset id: check its stored certificate against this instance's key "
                    "and audit log.")] = None,
           file: Annotated[Path | None, typer.Option(
               "--file", help="A certificate or receipt JSON file: check its signature "
                              "offline, no instance needed.")] = None,
           public_key: Annotated[Path | None, typer.Option(
               "--public-key", help="With --file: the instance's public key (PEM, or 32 "
                                    "raw bytes in base64). Default: the key the document "
                                    "carries (then compare its id with the published one)."
           )] = None,
           as_json: JsonOption = False) -> None:
    """Exit 0 when valid, 1 when not (2: not a certificate or receipt). With DATASET: the
    certificate's signature, its checkpoint's signature, and that the audit log still has
    the tree the checkpoint signed. With --file: the signature of a certificate or intake
    receipt, anywhere."""
    if (dataset_id is None) == (file is None):
        raise typer.BadParameter("give a DATASET or --file, not both")
    if file is not None:
        _verify_file(file, public_key, as_json)
        return
    assert dataset_id is not None
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


def _verify_file(file: Path, public_key: Path | None, as_json: bool) -> None:
    try:
        key = parse_public_key(public_key.read_text()) if public_key is not None else None
        verdict: Verdict = verify_document(load_json(file.read_bytes()), key)
    except (MalformedError, OSError, UnicodeDecodeError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from None
    if as_json:
        print_json(verdict)
    elif verdict.valid:
        console.print(f"valid: {verdict.kind} {verdict.document_id} of dataset "
                      f"{verdict.dataset_id}: {verdict.reason}")
    else:
        errors.print(f"INVALID: {verdict.kind} {verdict.document_id}: {verdict.reason}")
    if not verdict.valid:
        raise typer.Exit(1)
