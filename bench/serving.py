"""`airlock serve` for the benchmarks that drive the HTTP API: started on a free loopback
port, waited for, and stopped."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from tests.e2e.conftest import free_port, wait_for_health  # noqa: E402


@contextmanager
def serving(airlock: str, work: Path, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The server's URL and pid; its output goes to `work`/serve.log."""
    port = free_port()
    with (work / "serve.log").open("w") as log:
        server = subprocess.Popen([airlock, "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)
