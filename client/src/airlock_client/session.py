"""What a command runs with: the output style and, on first use, the API connection."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import update_wrapper
from typing import Any, Callable, TypeVar, cast

import click

from airlock_client import config
from airlock_client.api import Api
from airlock_client.output import Output

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Session:
    profile: str = "default"
    url: str | None = None
    output: Output = field(default_factory=Output)
    _api: Api | None = None

    def api(self) -> Api:
        """Connected on first use, so offline commands need no instance or token."""
        if self._api is None:
            self._api = Api(config.resolve(self.profile, self.url, os.environ))
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()


def output_options(command: F) -> F:
    """``--json`` and ``--quiet`` on a command, given to it as the session's output."""

    def wrapper(session: Session, *args: Any, as_json: bool, quiet: bool,
                **kwargs: Any) -> Any:
        session.output = Output(as_json=as_json, quiet=quiet)
        return command(session, *args, **kwargs)

    wrapped = click.pass_obj(cast(Callable[..., Any], update_wrapper(wrapper, command)))
    wrapped = click.option("--quiet", "-q", is_flag=True,
                           help="Print nothing but errors; the exit status tells the "
                                "outcome.")(wrapped)
    return cast(F, click.option("--json", "as_json", is_flag=True,
                                help="Print the result as JSON.")(wrapped))
