"""Who holds a lease: this process, named by host, pid and start time, so that a holder
killed on this host is known dead at once, even when its pid was reused since."""

from __future__ import annotations

import os
import socket
from pathlib import Path

_UNKNOWN_START = "-"
_PROC = Path("/proc/self/stat")


def process_owner() -> str:
    """`host:pid:start` of this process (at most 128 characters, as lease columns hold)."""
    pid = os.getpid()
    return f"{socket.gethostname()[:96]}:{pid}:{_start_of(pid) or _UNKNOWN_START}"


def owner_is_dead(owner: str) -> bool:
    """The owner ran on this host and its process is gone (or its pid now names another
    process). An owner on another host is never known dead: its lease has to run out."""
    host, _, rest = owner.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname()[:96] or not pid.isdigit():
        return False
    if _PROC.exists():
        return _start_of(int(pid)) != start
    return not _alive(int(pid))


def _start_of(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux); None without /proc or
    when no such process runs (a zombie, killed but not yet reaped, runs no more)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The name, in parentheses, may hold spaces: count the fields after it (state is the
    # 3rd field, start the 22nd).
    fields = stat.rpartition(")")[2].split()
    return None if fields[0] == "Z" else fields[19]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True
