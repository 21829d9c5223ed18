"""The documentation runs as written: every ```sh block of README.md and docs/**/*.md, by
the convention docs/index.md states (one bash session per file on a fresh instance, a
server when the file uses $AIRLOCK_URL, the NOT_RUN lines shown but not run)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import AIRLOCK, airlock, free_port, wait_for_health

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_ENV_PREFIX = r"^(?:\w+=\S*\s+)*"
NOT_RUN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_ENV_PREFIX + r"(?:\.venv/bin/)?python3?\s+bench/"),
     "benchmarks: tests/bench runs each at its smallest scale"),
    (re.compile(_ENV_PREFIX + r"make\b"),
     "make builds the environment and runs the tests that run this"),
    (re.compile(_ENV_PREFIX + r"(?:\S*/)?airlock\s+(?:serve|worker(?!.*--once))\b"),
     "runs until stopped; the test starts its own server"),
    (re.compile(_ENV_PREFIX + r"(?:\S*/)?dask\s+(?:scheduler|worker)\b"),
     "a Dask cluster runs until stopped; tests/cluster starts its own"),
)
_FENCE = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
_HEREDOC = re.compile(r"""(?<!<)<<(?!<)-?\s*['"]?(\w+)""")
_SERVER_VARIABLE = re.compile(r"\$\{?AIRLOCK_URL\b")
_OTHER_SHELL_FENCE = re.compile(r"^```(?:bash|shell|console|zsh)\b", re.M)


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


def _workspace(folder: Path) -> Path:
    folder.mkdir()
    for entry in ROOT.iterdir():
        if not entry.name.startswith("."):
            (folder / entry.name).symlink_to(entry)
    (folder / ".venv").symlink_to(Path(AIRLOCK).parents[1])
    return folder


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[dict[str, str]]:
    """The instance initialised and served on a free loopback port while the file runs."""
    init = airlock(env, "init", "--json")
    assert init.returncode == 0, init.stderr
    url = f"http://127.0.0.1:{free_port()}"
    with log.open("w") as sink:  # a file, not a pipe: a full pipe would block the server
        server = subprocess.Popen([AIRLOCK, "serve", "--host", "127.0.0.1", "--port",
                                   url.rsplit(":", 1)[1]], env=env, stdout=sink,
                                  stderr=subprocess.STDOUT)
    try:
        wait_for_health(url)
        yield {"AIRLOCK_URL": url, "AIRLOCK_ADMIN_TOKEN": json.loads(init.stdout)["admin_token"]}
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def _no_server() -> Iterator[dict[str, str]]:
    yield {}


@dataclass(frozen=True)
class Session:
    returncode: int
    stderr: str
    instance_made: bool


def _run_session(path: Path, folder: Path) -> Session:
    markdown = path.read_text()
    name = str(path.relative_to(ROOT))
    cwd = _workspace(folder / "session")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    env["AIRLOCK_HOME"] = str(cwd / ".airlock")
    serving = _SERVER_VARIABLE.search(markdown)
    with _server(env, folder / "server.log") if serving else _no_server() as extra:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", session_script(name, markdown)],
                              cwd=cwd, env=env | extra, capture_output=True, text=True,
                              timeout=400, check=False)
    return Session(done.returncode, done.stderr, (cwd / ".airlock" / "airlock.db").exists())


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, Future[Session]]]:
    """Every file's session, side by side: they mostly wait on process start-up and on the
    server, so together they take little longer than the longest."""
    paths = _with_commands()
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        yield {path: pool.submit(_run_session, path, tmp_path_factory.mktemp(path.stem))
               for path in paths}


@pytest.mark.timeout(450)
@pytest.mark.parametrize("path", _with_commands(), ids=lambda p: str(p.relative_to(ROOT)))
def test_command_blocks_run(path: Path, sessions: dict[Path, Future[Session]]) -> None:
    session = sessions[path].result()
    assert session.returncode == 0, f"exit {session.returncode}\n{session.stderr[-3000:]}"
    assert session.instance_made


def test_every_guide_and_the_readme_have_commands() -> None:
    with_commands = {str(path.relative_to(ROOT)) for path in _with_commands()}
    assert {"README.md", "docs/guides/client.md", "docs/guides/compliance.md",
            "docs/guides/operator.md"} <= with_commands


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_blocks_are_sh_or_text(path: Path) -> None:
    """Only ```sh blocks run: a shell block marked otherwise would silently not be tested."""
    assert _OTHER_SHELL_FENCE.search(path.read_text()) is None, path


def test_not_run_lines_are_the_documented_kinds() -> None:
    lines = ["make run", "make test", "AIRLOCK_TEST_DATABASE_URL=x make test", "make bench",
             ".venv/bin/python bench/intake.py", ".venv/bin/airlock serve",
             ".venv/bin/airlock worker", ".venv/bin/airlock worker --once",
             ".venv/bin/airlock status \"$DATASET\""]
    reasons = [not_run_reason(Command(1, line)) for line in lines]
    assert [reason is None for reason in reasons] == [False] * 7 + [True, True]
    assert "tests/bench" in str(reasons[4]) and "make" in str(reasons[3])


def test_sh_commands_join_continued_lines_and_keep_their_place() -> None:
    markdown = ("intro\n```sh\na \\\n  b\ncat <<'EOF'\nmake x\nEOF\nc\n```\n"
                "```text\nnot run\n```\n")
    assert list(sh_commands(markdown)) == [
        Command(3, "a \\\n  b"), Command(5, "cat <<'EOF'\nmake x\nEOF"), Command(8, "c")]
