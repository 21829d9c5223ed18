"""What every command needs: the configured instance and the local actor."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from airlock.instance import Instance
from airlock.settings import get_settings
from audit import Actor


def local_actor() -> Actor:
    # The operating-system uid, not the user name: audit events carry no personal data.
    return Actor(id=f"cli:uid{os.getuid()}", role="admin")


@contextmanager
def open_instance() -> Iterator[Instance]:
    instance = Instance(get_settings())
    try:
        instance.check_ready()
        yield instance
    finally:
        instance.dispose()
