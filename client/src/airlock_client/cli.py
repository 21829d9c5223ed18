"""`airlock-client`: the commands, and the exit statuses they end with.

0 ok; 1 rejected or failed; 2 usage (bad arguments, missing settings); 3 network; 4
authentication. See `airlock_client.errors`."""

from __future__ import annotations

import sys

import click

from airlock_client import __version__
from airlock_client.commands.audit import audit
from airlock_client.commands.configure import configure
from airlock_client.commands.contracts import contracts
from airlock_client.commands.datasets import datasets, report, status
from airlock_client.commands.evidence import certificate, receipt
from airlock_client.commands.preflight import preflight
from airlock_client.commands.upload import upload
from airlock_client.errors import ClientError, ExitCode
from airlock_client.session import Session


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--profile", envvar="AIRLOCK_PROFILE", default="default", show_default=True,
              help="Profile of the credentials file to use.")
@click.option("--url", envvar="AIRLOCK_URL", help="The instance (overrides the profile's).")
@click.version_option(__version__, prog_name="airlock-client")
@click.pass_obj
def cli(session: Session, profile: str, url: str | None) -> None:
    """Deliver datasets to a remote Airlock instance and verify its evidence."""
    session.profile = profile
    session.url = url


cli.add_command(configure)
cli.add_command(upload)
cli.add_command(status)
cli.add_command(report)
cli.add_command(datasets)
cli.add_command(contracts)
cli.add_command(preflight)
cli.add_command(certificate)
cli.add_command(receipt)
cli.add_command(audit)


def main(argv: list[str] | None = None) -> None:
    """Run a command and exit with its documented status."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    session = Session()
    try:
        # Without standalone mode click returns a command's `Exit` status instead of raising.
        status = cli.main(args=argv, prog_name="airlock-client", standalone_mode=False,
                          obj=session)
        if isinstance(status, int):
            return status
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except click.Abort:
        print("aborted", file=sys.stderr)
        return int(ExitCode.FAILED)
    except ClientError as exc:
        session.output.error(str(exc), int(exc.code))
        return int(exc.code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        session.close()
    return int(ExitCode.OK)
