"""`airlock audit ...`: verify the chain, read events, list event types."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from airlock.audit_bundle import AuditNotIntact, export_audit
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, errors, print_json, print_table
from airlock.instance import event_registry
from audit import EventFilter, Outcome, find_events
from audit.export import ExportFilter

audit_app = typer.Typer(cls=AirlockGroup, help="Verify and read the audit trail.",
                        no_args_is_help=True)
EVENT_COLUMNS = ("seq", "at", "actor", "role", "tenant_id", "action", "dataset_id", "outcome")


@audit_app.command("verify")
def verify(as_json: JsonOption = False) -> None:
    """Recompute the hash chain and the signed checkpoints, and compare them with the witness.
    Exit 0 only when intact; else name the first bad event."""
    with open_instance() as instance:
        result = instance.verify_audit_as(local_actor())
    if as_json:
        print_json(result)
    elif result.intact:
        console.print(f"intact: {result.events_checked} events verified, "
                      f"{result.checkpoints_checked} signed checkpoints match (latest: "
                      f"{result.signed_tree_size or 0} events)")
    else:
        errors.print(f"TAMPERED at event {result.first_bad_seq}: {result.problem}")
    if not result.intact:
        raise typer.Exit(1)


@audit_app.command("events")
def events(
    tenant: Annotated[str | None, typer.Option(help="Tenant id.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset id.")] = None,
    action: Annotated[str | None, typer.Option(help="e.g. token.created")] = None,
    outcome: Annotated[Outcome | None, typer.Option(help="success, denied or failure.")] = None,
    since: Annotated[datetime | None, typer.Option(help="ISO time (UTC if no zone).")] = None,
    after: Annotated[int, typer.Option(min=0, help="Only events after this seq.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List audit events in sequence order (`--json`: one JSON document per line)."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    flt = EventFilter(tenant_id=tenant, dataset_id=dataset, action=action, outcome=outcome,
                      since=since, after_seq=after, limit=limit)
    with open_instance() as instance, instance.reading() as session:
        if as_json:
            for event in find_events(session, flt):
                typer.echo(event.model_dump_json())
            return
        print_table(list(find_events(session, flt)), EVENT_COLUMNS)


@audit_app.command("export")
def export(
    target: Annotated[Path, typer.Argument(help="A new (or empty) folder for the bundle.")],
    since: Annotated[datetime | None, typer.Option(help="Only events from this time "
                                                        "(ISO, UTC if no zone).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only this dataset's events.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a bundle (events, signed checkpoints, proofs, public key) that
    `airlock-client audit verify BUNDLE [--previous EARLIER]` checks offline. The log
    is verified (refused if it does not) and checkpointed first, so every exported event
    is under a signature; the bundle proves the log extends the previous export's."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    flt = ExportFilter(since=since, dataset_id=dataset)
    with open_instance() as instance:
        try:
            summary = export_audit(instance, local_actor(), target, flt)
        except AuditNotIntact as exc:
            errors.print(f"refused: {exc}; no bundle written")
            raise typer.Exit(1) from None
    if as_json:
        print_json(summary)
        return
    kind = "the whole log" if summary.complete else "a filtered bundle with inclusion proofs"
    console.print(f"wrote {summary.events} events and {summary.checkpoints} signed "
                  f"checkpoints to {summary.path} ({kind}); check it with "
                  f"`airlock-client audit verify {summary.path}`")


@audit_app.command("event-types")
def event_types(markdown: Annotated[bool, typer.Option(help="The reference page.")] = False,
                as_json: JsonOption = False) -> None:
    """List the audited actions (`--markdown` prints docs/reference/events.md)."""
    registry = event_registry()
    if markdown:
        typer.echo(registry.reference_markdown())
    elif as_json:
        print_json(registry.actions())
    else:
        for action in registry.actions():
            console.print(action)
