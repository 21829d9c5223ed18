"""Reading what a program drew on a pseudo-terminal."""

from __future__ import annotations

import os


def drained(leader: int) -> bytes:
    """Everything written to the terminal's other side until it closed. One read may return
    only what the kernel has passed on so far; reads end with EIO once the closed side's
    output is drained."""
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            return drawn
        if not chunk:
            return drawn
        drawn += chunk
