"""What every command needs: the configured instance and the local actor."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from airlock.instance import Instance
from airlock.settings import Settings
from audit import Actor


def local_actor() -> Actor:
    # The operating-system uid, not the user name: audit events carry no personal data.
    return Actor(id=f"cli:uid{os.getuid()}", role="admin")


@contextmanager
def open_instance() -> Iterator[Instance]:
    """The instance the environment configures, read afresh by each command."""
    instance = Instance(Settings())
    try:
        instance.check_ready()
        yield instance
    finally:
        instance.dispose()
