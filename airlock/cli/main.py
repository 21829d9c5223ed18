"""The `airlock` command line."""

from __future__ import annotations

import importlib
import os
import threading
from typing import Annotated, Any

import typer
import typer.main

from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, print_json

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "tenant": ("airlock.cli.admin_commands", "tenant_app"),
    "token": ("airlock.cli.admin_commands", "token_app"),
    "audit": ("airlock.cli.audit_commands", "audit_app"),
    "vault": ("airlock.cli.vault_commands", "vault_app"),
    "contract": ("airlock.cli.intake_commands", "contract_app"),
    "pii": ("airlock.cli.pii_commands", "pii_app"),
    "image": ("airlock.cli.image_commands", "image_app"),
    "upload": ("airlock.cli.intake_commands", "upload"),
    "datasets": ("airlock.cli.dataset_commands", "datasets_app"),
    "status": ("airlock.cli.intake_commands", "status"),
    "report": ("airlock.cli.intake_commands", "report"),
    "validate": ("airlock.cli.intake_commands", "validate"),
    "anonymise": ("airlock.cli.anonymise_commands", "anonymise_command"),
    "retention": ("airlock.cli.retention_commands", "retention_app"),
    "certificate": ("airlock.cli.certificate_commands", "certificate_app"),
    "receipt": ("airlock.cli.receipt_commands", "receipt_app"),
    "training": ("airlock.cli.training_commands", "training_app"),
    "worker": ("airlock.cli.worker_command", "worker"),
    "admin": ("airlock.cli.instance_commands", "admin_app"),
}
"""Command name -> (module, Typer app or command function), imported when it is run."""


class AirlockCommands(AirlockGroup):
    """The root group. A command's module is imported only when that command runs (or help
    lists it): `airlock image redact` then starts without the catalog, the database layer or
    the PII engine, which cost most of a second."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*SUBCOMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in SUBCOMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = SUBCOMMANDS[cmd_name]
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            group = typer.main.get_group(target)
            group.name = cmd_name
            return group
        holder = typer.Typer(add_completion=False)
        holder.command(cmd_name)(target)
        command = typer.main.get_command(holder)
        command.name = cmd_name
        return command


app = typer.Typer(cls=AirlockCommands, name="airlock", no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="Airlock: privacy-compliant intake and anonymisation of training data.")


@app.callback()
def _private_files() -> None:
    """Airlock: privacy-compliant intake and anonymisation of training data."""
    # Everything Airlock writes (database, WAL, keys, vault) is readable by its owner only.
    os.umask(0o077)


@app.command()
def init(as_json: JsonOption = False) -> None:
    """Create the instance (home folder, master key, database, first admin token); idempotent."""
    from airlock.instance import init_instance
    from airlock.settings import Settings

    settings = Settings()
    result = init_instance(settings)
    if as_json:
        print_json({"created": result.created, "home": str(settings.home.resolve()),
                    "master_key_id": result.master_key_id, "admin_token": result.admin_token})
        return
    if not result.created:
        console.print(f"instance at {settings.home.resolve()} is initialised and up to date")
        return
    console.print(f"initialised instance at {settings.home.resolve()}")
    console.print(f"admin token (shown once, store it now): {result.admin_token}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: AIRLOCK_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: AIRLOCK_PORT.")] = None,
) -> None:
    """Run the HTTP API (migrations are applied first) and, unless AIRLOCK_SERVE_WORKER is
    false, a worker process of its own that anonymises."""
    import uvicorn

    from airlock.api.app import create_app
    from airlock.instance import Instance
    from airlock.logs import configure_logging, server_log_config
    from airlock.serve_worker import serving_pipeline
    from airlock.settings import Settings
    from catalog import upgrade

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    instance = Instance(settings)
    upgrade(instance.engine, sealer_for=instance.vault.field_cipher_of)
    instance.check_ready()
    with serving_pipeline(instance) as pipeline:
        # Validations interrupted by a stop or crash are recorded as such and finish in the
        # background, on the pipeline the API's uploads use; anonymisations go to the worker.
        threading.Thread(target=pipeline.resume, daemon=True, name="resume-work").start()
        bind_host, bind_port = host or settings.host, port or settings.port
        console.print(f"Airlock is serving on http://{bind_host}:{bind_port} "
                      f"(API docs: http://{bind_host}:{bind_port}/docs)")
        uvicorn.run(create_app(instance, pipeline), host=bind_host, port=bind_port,
                    log_level=settings.log_level, server_header=False, access_log=False,
                    log_config=server_log_config(settings.log_level))
