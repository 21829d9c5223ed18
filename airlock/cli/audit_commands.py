"""`airlock audit ...`: verify the chain, read events, list event types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, errors, print_json, print_table
from airlock.instance import event_registry
from audit import EventFilter, find_events, verify_chain
from audit.events import AuditVerified

audit_app = typer.Typer(cls=AirlockGroup, help="Verify and read the audit trail.",
                        no_args_is_help=True)
EVENT_COLUMNS = ("seq", "at", "actor", "role", "tenant_id", "action", "dataset_id", "outcome")


@audit_app.command("verify")
def verify(as_json: JsonOption = False) -> None:
    """Recompute the hash chain. Exit 0 only when it is intact; else name the first bad event."""
    with open_instance() as instance:
        with instance.reading() as session:
            result = verify_chain(session)
        with instance.transaction(local_actor()) as tx:
            tx.record(AuditVerified(events_checked=result.events_checked, intact=result.intact,
                                    first_bad_seq=result.first_bad_seq))
    if as_json:
        print_json(result)
    elif result.intact:
        console.print(f"intact: {result.events_checked} events verified")
    else:
        errors.print(f"TAMPERED at event {result.first_bad_seq}: {result.problem}")
    if not result.intact:
        raise typer.Exit(1)


@audit_app.command("events")
def events(
    tenant: Annotated[str | None, typer.Option(help="Tenant id.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset id.")] = None,
    action: Annotated[str | None, typer.Option(help="e.g. token.created")] = None,
    since: Annotated[datetime | None, typer.Option(help="ISO time (UTC if no zone).")] = None,
    after: Annotated[int, typer.Option(min=0, help="Only events after this seq.")] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List audit events in sequence order (`--json`: one JSON document per line)."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    flt = EventFilter(tenant_id=tenant, dataset_id=dataset, action=action, since=since,
                      after_seq=after, limit=limit)
    with open_instance() as instance, instance.reading() as session:
        if as_json:
            for event in find_events(session, flt):
                typer.echo(event.model_dump_json())
            return
        print_table(list(find_events(session, flt)), EVENT_COLUMNS)


@audit_app.command("event-types")
def event_types(markdown: Annotated[bool, typer.Option(help="The reference page.")] = False,
                as_json: JsonOption = False) -> None:
    """List the audited actions (`--markdown` prints docs/events.md)."""
    registry = event_registry()
    if markdown:
        typer.echo(registry.reference_markdown())
    elif as_json:
        print_json(registry.actions())
    else:
        for action in registry.actions():
            console.print(action)
