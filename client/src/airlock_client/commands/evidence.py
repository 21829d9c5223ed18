"""`certificate show|verify` and `receipt show|verify`: a dataset's signed deletion
certificate or intake receipt, downloaded as signed, and checked offline with the shared
verifier (`airlock_client.evidence_verifier`).

Verifying needs no instance: with ``--key`` the instance's published public key, with
``--instance`` the key the instance serves (`GET /v1/public-key`), else the key the document
carries (then only its integrity is shown: compare the key id with the published one). Exit
0 valid, 1 not valid, 2 not a document of that kind or unreadable."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from airlock_client.api import Api
from airlock_client.bundle_verifier import PublicKey
from airlock_client.errors import ApiError, UsageError
from airlock_client.evidence_verifier import (
    MAX_DOCUMENT_BYTES,
    MalformedError,
    Verdict,
    load_json,
    named_key_id,
    parse_public_key,
    verify_document,
)
from airlock_client.files import read_bounded, write_atomically
from airlock_client.session import Session, output_options

_DATASET_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
PUBLIC_KEY_PATH = "/v1/public-key"


def dataset_path(dataset_id: str, document: str) -> str:
    """The API path of a dataset's document; the id is checked, as it goes into the path."""
    if not _DATASET_ID.fullmatch(dataset_id):
        raise UsageError("a dataset id is letters, digits, '-' and '_' (at most 64)")
    return f"/v1/datasets/{dataset_id}/{document}"


def show(session: Session, kind: str, dataset_id: str, output: Path | None) -> None:
    """Print the document (as a person reads it, or as signed with ``--json``), or save it
    byte for byte with ``-o``."""
    path = dataset_path(dataset_id, kind)
    api = session.api()
    if output is None and not session.output.as_json:
        text = api.request("GET", path, params={"format": "text"}).text
        session.output.result(None, text.rstrip("\n"))
        return
    body = api.request("GET", path).content
    document = load_json(body)
    if output is not None:
        write_atomically(output, [body])
        session.output.result(
            {"dataset_id": dataset_id, "file": str(output), "kind": kind},
            f"saved the {kind} of dataset {dataset_id} to {output}; check it with "
            f"`airlock-client {kind} verify {output} --instance`")
        return
    session.output.result(document, "")


def instance_key(session: Session, named: str | None) -> PublicKey:
    """The key the instance serves, checked against the key id it states: the one the
    document names (`named`) when the instance signed with it, a key retired by a rotation
    too; else the current one (the verdict then says which key the document names)."""
    try:
        published = _published_key(session.api(), named)
    except ApiError as exc:
        if exc.status == 404:
            raise UsageError("the instance has signed nothing yet, so it has no public key") \
                from None
        raise
    if not isinstance(published, dict) or not isinstance(published.get("public_key"), str):
        raise UsageError("the instance's public key answer is malformed")
    key = parse_public_key(published["public_key"])
    if published.get("key_id") != key.key_id:
        raise UsageError("the instance's public key does not match the key id it states")
    session.output.note(f"checking with the instance's key {key.key_id}")
    return key


def _published_key(api: Api, named: str | None) -> Any:
    """`GET /v1/public-key`'s answer for the key `named`, if the instance has it; else for
    the current key."""
    if named is not None and _KEY_ID.fullmatch(named):
        try:
            return api.get(PUBLIC_KEY_PATH, params={"key_id": named})
        except ApiError as exc:
            if exc.status != 404:
                raise
    return api.get(PUBLIC_KEY_PATH)


def verify(session: Session, kind: str, file: Path, key_file: Path | None,
           from_instance: bool) -> None:
    if key_file is not None and from_instance:
        raise UsageError("give --key or --instance, not both")
    try:
        document = load_json(read_bounded(file, MAX_DOCUMENT_BYTES))
        key = (parse_public_key(read_bounded(key_file, 64 * 1024).decode("ascii"))
               if key_file is not None
               else instance_key(session, named_key_id(document)) if from_instance else None)
        verdict = verify_document(document, key)
    except (MalformedError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: {exc}") from None
    if verdict.kind != kind:
        raise UsageError(f"{file} is a {verdict.kind}, not a {kind}: use `airlock-client "
                         f"{verdict.kind} verify`")
    report(session, verdict)


def report(session: Session, verdict: Verdict) -> None:
    """Valid: the verdict on stdout. Not valid: on stderr even with --quiet, and exit 1."""
    if verdict.valid or session.output.as_json:
        session.output.result(asdict(verdict), f"valid: {verdict.kind} {verdict.document_id} "
                                               f"of dataset {verdict.dataset_id}: "
                                               f"{verdict.reason}")
    else:
        click.echo(f"INVALID: {verdict.kind} {verdict.document_id}: {verdict.reason}",
                   err=True)
    if not verdict.valid:
        raise click.exceptions.Exit(1)


_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                       help="Save the document, byte for byte as signed, to this file.")
_FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
_KEY = click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path),
                    help="The instance's public key (PEM, or 32 raw bytes in base64), as "
                         "published: verifies with no connection.")
_INSTANCE = click.option("--instance", "from_instance", is_flag=True,
                         help="Check with the key the instance serves (GET /v1/public-key).")


@click.group()
def certificate() -> None:
    """Show and verify deletion certificates."""


@certificate.command("show")
@click.argument("dataset_id")
@_OUTPUT
@output_options
def show_certificate(session: Session, dataset_id: str, output: Path | None) -> None:
    """The deletion certificate of a purged dataset: as a person reads it, as signed
    (--json), or saved to a file (-o)."""
    show(session, "certificate", dataset_id, output)


@certificate.command("verify")
@_FILE
@_KEY
@_INSTANCE
@output_options
def verify_certificate(session: Session, file: Path, key_file: Path | None,
                       from_instance: bool) -> None:
    """Check a saved certificate's signature offline. Exit 0 valid, 1 not, 2 malformed."""
    verify(session, "certificate", file, key_file, from_instance)


@click.group()
def receipt() -> None:
    """Show and verify intake receipts."""


@receipt.command("show")
@click.argument("dataset_id")
@_OUTPUT
@output_options
def show_receipt(session: Session, dataset_id: str, output: Path | None) -> None:
    """A dataset's signed intake receipt: as a person reads it, as signed (--json), or saved
    to a file (-o)."""
    show(session, "receipt", dataset_id, output)


@receipt.command("verify")
@_FILE
@_KEY
@_INSTANCE
@output_options
def verify_receipt(session: Session, file: Path, key_file: Path | None,
                   from_instance: bool) -> None:
    """Check a saved receipt's signature offline. Exit 0 valid, 1 not, 2 malformed."""
    verify(session, "receipt", file, key_file, from_instance)
