"""The `airlock` command line."""

from __future__ import annotations

import os
import threading
from typing import Annotated

import typer

from airlock.cli.admin_commands import tenant_app, token_app
from airlock.cli.anonymise_commands import anonymise_command
from airlock.cli.audit_commands import audit_app
from airlock.cli.errors import AirlockGroup
from airlock.cli.image_commands import image_app
from airlock.cli.intake_commands import contract_app, report, status, upload, validate
from airlock.cli.output import JsonOption, console, print_json
from airlock.cli.pii_commands import pii_app
from airlock.cli.vault_commands import vault_app
from airlock.instance import init_instance
from airlock.logs import configure_logging
from airlock.settings import get_settings

app = typer.Typer(cls=AirlockGroup, name="airlock", no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="Airlock: privacy-compliant intake and anonymisation of training data.")
app.add_typer(tenant_app, name="tenant")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(vault_app, name="vault")
app.add_typer(contract_app, name="contract")
app.add_typer(pii_app, name="pii")
app.add_typer(image_app, name="image")
for command in (upload, status, report, validate):
    app.command()(command)
app.command("anonymise")(anonymise_command)



@app.callback()
def _private_files() -> None:
    """Airlock: privacy-compliant intake and anonymisation of training data."""
    # Everything Airlock writes (database, WAL, keys, vault) is readable by its owner only.
    os.umask(0o077)


@app.command()
def init(as_json: JsonOption = False) -> None:
    """Create the instance (home folder, master key, database, first admin token); idempotent."""
    settings = get_settings()
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
    """Run the HTTP API (migrations are applied first)."""
    import uvicorn

    from airlock.api.app import create_app
    from airlock.instance import Instance
    from airlock.validation_jobs import resume_work
    from catalog import upgrade

    settings = get_settings()
    configure_logging(settings.log_level)
    instance = Instance(settings)
    upgrade(instance.engine)
    instance.check_ready()
    # Validations and anonymisations interrupted by a stop or crash finish in the background.
    threading.Thread(target=resume_work, args=(instance,), daemon=True,
                     name="resume-work").start()
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"Airlock is serving on http://{bind_host}:{bind_port} "
                  f"(API docs: http://{bind_host}:{bind_port}/docs)")
    uvicorn.run(create_app(instance), host=bind_host, port=bind_port,
                log_level=settings.log_level, server_header=False)
