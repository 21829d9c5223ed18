"""What every benchmark shares: timing, peak memory, the common options, and one result
format, printed and written as JSON for `bench/figures.py` to put in docs/figures.md.

A result is a list of timed rows doing the same work: Airlock's step first, then its floor
(the least any implementation must do) and any competitor. Each other row gets the ratio
Airlock's throughput / its throughput, the figure to read on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
_CHILD_PEAK = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[2], 'wb') as out:\n"
    "    code = subprocess.run(sys.argv[3:], stdout=out).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds `work` took, and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def fastest(work: Callable[[], object], runs: int) -> float:
    """Seconds of the fastest of `runs` runs: for steps of a second or less, where one run
    is mostly the machine's noise."""
    return min(timed(work)[0] for _ in range(runs))


def peak_rss_mb() -> float:
    """This process's high-water mark (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_measured(args: list[str], env: dict[str, str], output: Path) -> tuple[float, float]:
    """Seconds for a command and its peak RSS in MB, read from the kernel: the command runs
    under a fresh parent, so RUSAGE_CHILDREN holds its peak alone. Its output goes to
    `output`."""
    with tempfile.TemporaryDirectory() as work:
        rss_file = Path(work) / "rss"
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD_PEAK, str(rss_file), str(output),
                               *args], env=env, stderr=subprocess.PIPE, text=True, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}): "
                             f"{done.stderr[-2000:]}")
        return seconds, int(rss_file.read_text()) / 1024


def run(args: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds for a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}): "
                         f"{done.stderr[-2000:]}")
    return time.perf_counter() - started


def clean_environment() -> dict[str, str]:
    """The environment without AIRLOCK_ settings: a benchmark makes its own instance."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}


def parser(doc: str | None, items: int) -> argparse.ArgumentParser:
    """The options every benchmark takes; `items` is the default size."""
    assert doc is not None
    options = argparse.ArgumentParser(description=doc.splitlines()[0])
    options.add_argument("--items", type=int, default=items,
                         help=f"size of the dataset (default {items})")
    options.add_argument("--results", type=Path, default=RESULTS,
                         help="where the JSON figures go (default bench/results)")
    options.add_argument("--dir", type=Path, default=None,
                         help="where the temporary files go")
    return options


@contextmanager
def workspace(directory: Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=directory, prefix="airlock-bench-") as work:
        yield Path(work)


@dataclass(frozen=True)
class Row:
    """A timed run; `items` or `megabytes` is 0 where it has no meaning."""

    what: str
    seconds: float
    items: int
    megabytes: float

    @property
    def items_per_s(self) -> float:
        return self.items / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds

    @property
    def throughput(self) -> float:
        """MB/s, or items/s where no bytes are counted."""
        return self.mb_per_s if self.megabytes else self.items_per_s


@dataclass
class Result:
    """One benchmark's figures. `rows[0]` is Airlock's step; `ratios` holds, for each other
    row, Airlock's throughput over that row's (on the same work, its time over Airlock's),
    and any ratio given (a count against its floor)."""

    name: str
    title: str
    size: str
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    peak_rss_mb: float | None = None
    command: str = ""
    date: str = ""
    machine: str = ""
    ratios: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        step = self.rows[0]
        self.ratios = {row.what: step.throughput / row.throughput
                       for row in self.rows[1:]} | self.ratios
        self.command = " ".join(["python", f"bench/{Path(sys.argv[0]).name}",
                                 *_reproducible(sys.argv[1:])])
        self.date = datetime.now(UTC).strftime("%Y-%m-%d")
        load = os.getloadavg()[0]
        self.machine = f"{os.cpu_count()} cores, load average {load:.1f} at the end"


def _reproducible(argv: list[str]) -> list[str]:
    """The options that decide the figures: not where files go."""
    kept, skip = [], False
    for arg in argv:
        if skip or arg in ("--results", "--dir"):
            skip = not skip
            continue
        kept.append(arg)
    return kept


def figure(value: float) -> str:
    """Three significant digits, without exponents: 0.00123, 1.23, 123, 12300."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value >= 0.001 else f"{value:.2g}"


def report(result: Result, results: Path) -> None:
    """Print the figures and write them to `results/<name>.json`."""
    print(f"== {result.title}: {result.size} ==")
    for row in result.rows:
        ratio = result.ratios.get(row.what)
        against = f"   Airlock {figure(ratio)}x this" if ratio is not None else ""
        rates = [f"{figure(row.items_per_s):>8} items/s" if row.items else "",
                 f"{figure(row.mb_per_s):>7} MB/s" if row.megabytes else ""]
        print(f"{row.what:<58} {row.seconds:8.2f} s {' '.join(rates)}{against}")
    if result.peak_rss_mb is not None:
        print(f"peak RSS {result.peak_rss_mb:.0f} MB")
    for note in result.notes:
        print(note)
    step = result.rows[0]
    rates = [f"{figure(step.items_per_s)} items/s" if step.items else "",
             f"{figure(step.mb_per_s)} MB/s" if step.megabytes else ""]
    print(f"SUMMARY {result.name}: {', '.join(rate for rate in rates if rate)}; "
          + "; ".join(f"{figure(ratio)}x {what}" for what, ratio in result.ratios.items()))
    results.mkdir(parents=True, exist_ok=True)
    body = asdict(result) | {"rows": [asdict(row) | {"items_per_s": row.items_per_s,
                                                      "mb_per_s": row.mb_per_s}
                                      for row in result.rows]}
    (results / f"{result.name}.json").write_text(json.dumps(body, indent=2, ensure_ascii=False)
                                                 + "\n")
