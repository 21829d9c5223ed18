"""A lease holder is known dead on its own host only: gone, or its pid reused since."""

from __future__ import annotations

import socket
import subprocess
import sys

from catalog import owner_is_dead, process_owner


def test_this_process_is_alive_and_a_finished_one_dead() -> None:
    me = process_owner()
    assert not owner_is_dead(me)
    finished = subprocess.run([sys.executable, "-c", "from catalog import process_owner; "
                               "print(process_owner())"], capture_output=True, text=True,
                              check=True).stdout.strip()
    assert finished != me and owner_is_dead(finished)


def test_a_reused_pid_is_dead_and_another_host_never_known_dead() -> None:
    host, pid, start = process_owner().split(":")
    assert owner_is_dead(f"{host}:{pid}:{int(start) + 1}")  # same pid, another process
    assert not owner_is_dead(f"not-{socket.gethostname()}:1:1")
    assert not owner_is_dead("garbage")
