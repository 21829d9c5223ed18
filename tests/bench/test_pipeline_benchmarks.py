"""The benchmarks of the pipeline's steps, the whole chain and the scale-out each run at
their smallest scale (the storage and serving ones are in test_serving_benchmarks.py: two
files, so that two test workers share them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.smallest_scale import assert_runs_and_regenerates

SMOKE = [
    ("upload", ["bench/upload.py", "--items", "4"]),
    ("validation", ["bench/validation.py", "--items", "4"]),
    ("label_anonymisation", ["bench/label_anonymisation.py", "--items", "4"]),
    ("image_redaction", ["bench/image_redaction.py", "--items", "2"]),
    ("scale", ["bench/scale.py", "--items", "4", "--shard-files", "2"]),
    ("chain", ["bench/chain.py", "--items", "2"]),
]


@pytest.mark.parametrize(("name", "command"), SMOKE, ids=[name for name, _ in SMOKE])
def test_benchmark_runs_at_its_smallest_scale(name: str, command: list[str],
                                              tmp_path: Path) -> None:
    assert_runs_and_regenerates(name, command, tmp_path)
