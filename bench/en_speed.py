"""English detection as whole processes: `airlock pii detect` against Presidio's default engine.

Both read the same records (the English corpus cycled to ``--records``, 6,000 by default)
as JSON Lines on standard input and write their entities as JSON Lines, each in a new
process, start-up (imports, models) included. Airlock runs twice: as it comes (worker
processes, one per core, from 2,048 records on) and in one process (``--workers 1``).
Each command runs ``--rounds`` times in turn and the best time counts, so that a burst of
load from other work on the shared machine does not land on one side only. Prints
records/s of each and the ratios.

Usage: .venv/bin/python bench/en_speed.py [--data ../shared/data/en_pii.jsonl]
       [--records 6000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Presidio's default AnalyzerEngine (bench/presidio_default.py), one record at a time, as
# its documentation shows it.
PRESIDIO = """
import json, sys
sys.path.insert(0, {bench!r})
from presidio_default import presidio_analyzer
analyzer = presidio_analyzer()
for line in sys.stdin:
    record = json.loads(line)
    found = analyzer.analyze(record["text"], language="en")
    print(json.dumps({{"id": record["id"], "entities": [
        {{"type": r.entity_type, "start": r.start, "end": r.end}} for r in found]}}))
"""


def records(path: Path, count: int) -> str:
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    return "".join(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n"
                   for i, text in zip(range(count), itertools.cycle(texts)))


def timed(command: list[str], stdin: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env,
                          check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed: exit {done.returncode}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/en_pii.jsonl"))
    parser.add_argument("--records", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    stdin = records(args.data, args.records)
    python = sys.executable
    airlock = [str(Path(python).with_name("airlock")), "pii", "detect", "--lang", "auto"]
    commands = {
        "airlock": airlock,
        "airlock-1p": [*airlock, "--workers", "1"],
        "presidio": [python, "-c", PRESIDIO.format(bench=str(ROOT / "bench"))],
    }
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(args.rounds):
        for name, command in commands.items():
            best[name] = min(best[name], timed(command, stdin))
    for name, seconds in best.items():
        print(f"{name:10} {seconds:7.1f} s  {args.records / seconds:8.1f} records/s "
              f"(whole process, best of {args.rounds})")
    for name in ("airlock", "airlock-1p"):
        print(f"whole-process speed {name}/presidio on {args.records} records: "
              f"{best['presidio'] / best[name]:.2f}x")


if __name__ == "__main__":
    main()
