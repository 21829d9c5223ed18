"""`configure`: write a profile of the credentials file, mode 600."""

from __future__ import annotations

import os
import sys

import click

from airlock_client import config
from airlock_client.session import Session, output_options


@click.command()
@click.option("--url", "url", required=True, help="The instance, e.g. https://airlock.example.com")
@click.option("--token-stdin", is_flag=True,
              help="Read the token from standard input instead of prompting.")
@output_options
def configure(session: Session, url: str, token_stdin: bool) -> None:
    """Save the instance URL and your token as a profile (``--profile``, default ``default``).
    The token is asked for without echo, or read from standard input; never pass it as an
    argument, where other users could see it in the process list."""
    token = sys.stdin.readline() if token_stdin else str(click.prompt("Token", hide_input=True))
    connection = config.Connection(config.check_url(url), config.check_token(token))
    path = config.credentials_path(os.environ)
    config.write_profile(path, session.profile, connection)
    session.output.result({"profile": session.profile, "url": connection.url,
                           "file": str(path)},
                          f"profile {session.profile!r} saved in {path}")
