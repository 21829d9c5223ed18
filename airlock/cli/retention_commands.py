"""`airlock retention ...`: the sweep (for the worker, cron, a systemd timer or a
Kubernetes CronJob) and legal holds."""

from __future__ import annotations

from typing import Annotated

import typer

from airlock.cli.context import open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.hold_commands import hold, release
from airlock.cli.output import JsonOption, console, errors, print_json
from airlock.cli.progress import item_bars
from airlock.retention_jobs import sweeper
from retention import Action, SweepReport

retention_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                            help="Purge what is due; place and release legal holds.")
retention_app.command("hold")(hold)
retention_app.command("release")(release)


@retention_app.command("run")
def run(dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what is due; delete "
                                                                 "nothing.")] = False,
        as_json: JsonOption = False) -> None:
    """Purge every dataset that is due (trained + retention days, untrained past the maximum
    age, rejected), skip held ones, and print what was done. Idempotent; exit 1 if any purge
    failed (it is retried at the next run)."""
    with open_instance() as instance, item_bars() as progress:
        task = progress.add_task("purge", total=None)
        report = sweeper(instance).run(
            dry_run=dry_run, on_progress=lambda done, due: progress.update(
                task, completed=done, total=due))
    if as_json:
        print_json(report)
    else:
        _print(report)
    if report.count(Action.FAILED):
        raise typer.Exit(1)


def _print(report: SweepReport) -> None:
    if report.locked_out:
        console.print("another sweep is running; nothing done")
        return
    if not report.entries:
        console.print("nothing is due")
        return
    if report.dry_run:
        console.print("dry run: nothing deleted")
    for entry in report.entries:
        line = (f"{entry.action.value:<11} {entry.dataset_id}  {entry.cause.value}, due "
                f"{entry.due_at:%Y-%m-%d %H:%M} UTC")
        if entry.error:
            errors.print(f"{line}: {entry.error}")
        else:
            console.print(line)
    purged, held, failed = (report.count(a) for a in (Action.PURGED, Action.HELD,
                                                      Action.FAILED))
    summary = f"{purged} purged, {held} held, {failed} failed"
    (errors if failed else console).print(summary)
