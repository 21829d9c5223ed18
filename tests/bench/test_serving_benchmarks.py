"""The benchmarks of the purge, the vault, the audit log, client uploads and a served
instance under load each run at their smallest scale (the pipeline's are in
test_pipeline_benchmarks.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.smallest_scale import ROOT, assert_runs_and_regenerates, bench_env

SMOKE = [
    ("purge", ["bench/purge.py", "--items", "10"]),
    ("purge_s3", ["bench/purge.py", "--items", "10", "--s3"]),
    ("vault_stream", ["bench/vault_stream.py", "--size-mib", "2", "--raw-mib", "2"]),
    ("audit_log", ["bench/audit_log.py", "--items", "50", "--appends", "5"]),
    ("client_upload", ["bench/client_upload.py", "--megabytes", "2", "--runs", "1",
                       "--part-sizes", "8", "--links", "1gbit"]),
]


@pytest.mark.parametrize(("name", "command"), SMOKE, ids=[name for name, _ in SMOKE])
def test_benchmark_runs_at_its_smallest_scale(name: str, command: list[str],
                                              tmp_path: Path) -> None:
    assert_runs_and_regenerates(name, command, tmp_path)


def test_the_load_benchmark_runs_at_its_smallest_scale() -> None:
    """bench/load.py prints its own table (a real serve under load, not a timed row)."""
    done = subprocess.run([sys.executable, "bench/load.py", "--uploads", "2", "--photos", "4",
                           "--photos-big", "4", "--readers", "1", "--seconds", "1"],
                          cwd=ROOT, env=bench_env(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()
            if line.startswith(("read ", "upload "))}
    assert rows["upload"][1] == "2" and float(rows["upload"][2]) == 1.0
    assert int(rows["read"][1]) > 0 and float(rows["read"][2]) == 1.0
    assert re.search(r"peak RSS: serve \d+ MB, worker \d+ MB", done.stdout)
