"""The documentation runs as written: every ```sh block of README.md and docs/**/*.md.

The convention (also stated at the top of docs/index.md): the blocks of one file run in
order, as one `bash -euo pipefail` session, in a fresh folder that holds the repository's
top-level files (symlinked, so `examples/` and `audit/` resolve) and `.venv` (the running
interpreter's environment), on a fresh instance in `./.airlock`. A file that uses
`$AIRLOCK_URL` gets a server: the test initialises the instance, starts `airlock serve` on
a free loopback port and exports `AIRLOCK_URL` and `AIRLOCK_ADMIN_TOKEN` (the instance's
first admin token). Output belongs in ```text blocks, which are not run. The lines that
NOT_RUN matches are shown to readers but not run, for the reason it gives."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
VENV = Path(sys.prefix)
_ENV_PREFIX = r"^(?:\w+=\S*\s+)*"
NOT_RUN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_ENV_PREFIX + r"make\s+(?:bench|eval)\b"),
     "benchmarks: run once they honour AIRLOCK_BENCH_SMOKE=1"),
    (re.compile(_ENV_PREFIX + r"(?:\.venv/bin/)?python3?\s+bench/"),
     "benchmarks: run once they honour AIRLOCK_BENCH_SMOKE=1"),
    (re.compile(_ENV_PREFIX + r"make\b"),
     "make builds the environment and runs the tests that run this"),
    (re.compile(_ENV_PREFIX + r"(?:\S*/)?airlock\s+(?:serve|worker(?!.*--once))\b"),
     "runs until stopped; the test starts its own server"),
)
_FENCE = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
_HEREDOC = re.compile(r"""(?<!<)<<(?!<)-?\s*['"]?(\w+)""")
_SERVER_VARIABLE = re.compile(r"\$\{?AIRLOCK_URL\b")


@dataclass(frozen=True)
class Command:
    line: int
    text: str


def sh_commands(markdown: str) -> Iterator[Command]:
    """The commands of every ```sh block, with the document line each starts on: a line,
    with the lines a trailing backslash or a here-document (up to its delimiter) adds."""
    for block in _FENCE.finditer(markdown):
        first = markdown.count("\n", 0, block.start(1)) + 1
        pending: list[str] = []
        delimiter: str | None = None
        for offset, line in enumerate(block.group(1).splitlines()):
            pending.append(line)
            if delimiter is None and (heredoc := _HEREDOC.search(line)):
                delimiter = heredoc.group(1)
            elif delimiter is not None and line.strip() == delimiter:
                delimiter = None
            if delimiter is None and not line.endswith("\\"):
                yield Command(first + offset - len(pending) + 1, "\n".join(pending))
                pending = []


def not_run_reason(command: Command) -> str | None:
    for pattern, reason in NOT_RUN:
        if pattern.match(command.text.lstrip()):
            return reason
    return None


def session_script(name: str, markdown: str) -> str:
    """One shell script of the file's commands; each names its place before it runs, so a
    failure's output ends with the place of the command that failed."""
    lines = []
    for command in sh_commands(markdown):
        if not_run_reason(command) is None:
            lines.append(f"echo {shlex.quote(f'>>> {name}:{command.line}')} >&2")
            lines.append(command.text)
    return "\n".join(lines) + "\n"


def _with_commands() -> list[Path]:
    return [path for path in DOCS if any(sh_commands(path.read_text()))]


def _workspace(tmp_path: Path) -> Path:
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / ".venv").symlink_to(VENV)
    return tmp_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _server(cwd: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """An initialised instance served on a free loopback port, for as long as the file runs."""
    airlock = str(VENV / "bin" / "airlock")
    init = subprocess.run([airlock, "init", "--json"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([airlock, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "airlock serve exited"
            try:
                with urllib.request.urlopen(f"{url}/v1/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "airlock serve did not come up"
                time.sleep(0.2)
        yield {"AIRLOCK_URL": url, "AIRLOCK_ADMIN_TOKEN": json.loads(init.stdout)["admin_token"]}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", _with_commands(), ids=lambda p: str(p.relative_to(ROOT)))
def test_command_blocks_run(path: Path, tmp_path: Path) -> None:
    name = str(path.relative_to(ROOT))
    markdown = path.read_text()
    cwd = _workspace(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    with _server(cwd, env) if _SERVER_VARIABLE.search(markdown) else _no_server() as extra:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", session_script(name, markdown)],
                              cwd=cwd, env=env | extra, capture_output=True, text=True,
                              timeout=280, check=False)
    assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}"
    assert (cwd / ".airlock" / "airlock.db").exists(), name


@contextmanager
def _no_server() -> Iterator[dict[str, str]]:
    yield {}


def test_every_guide_and_the_readme_have_commands() -> None:
    with_commands = {str(path.relative_to(ROOT)) for path in _with_commands()}
    assert {"README.md", "docs/guides/client.md", "docs/guides/compliance.md",
            "docs/guides/operator.md"} <= with_commands


def test_not_run_lines_are_the_documented_kinds() -> None:
    lines = ["make run", "make test", "AIRLOCK_TEST_DATABASE_URL=x make test", "make bench",
             ".venv/bin/python bench/intake.py", ".venv/bin/airlock serve",
             ".venv/bin/airlock worker", ".venv/bin/airlock worker --once",
             ".venv/bin/airlock status \"$DATASET\""]
    reasons = [not_run_reason(Command(1, line)) for line in lines]
    assert [reason is None for reason in reasons] == [False] * 7 + [True, True]
    assert reasons[3] == reasons[4] and "AIRLOCK_BENCH_SMOKE" in str(reasons[3])


def test_sh_commands_join_continued_lines_and_keep_their_place() -> None:
    markdown = ("intro\n```sh\na \\\n  b\ncat <<'EOF'\nmake x\nEOF\nc\n```\n"
                "```text\nnot run\n```\n")
    assert list(sh_commands(markdown)) == [
        Command(3, "a \\\n  b"), Command(5, "cat <<'EOF'\nmake x\nEOF"), Command(8, "c")]
