"""The whole chain: `airlock upload` takes a dataset through upload, validation and
anonymisation (labels de-identified, images redacted: the contract's defaults), against
the floor `tar -x` + `sha256sum` of the same archive.

The command runs in a subprocess on a fresh instance, under a parent of its own, so its
peak RSS is read from the kernel (RUSAGE_CHILDREN). Each step's own figures are in
bench/upload.py, bench/validation.py, bench/label_anonymisation.py and
bench/image_redaction.py.

Usage: .venv/bin/python bench/chain.py [--items 380]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from measure import (
    Result,
    Row,
    clean_environment,
    parser,
    report,
    run,
    run_measured,
    workspace,
)
from synthetic import build, contract

AIRLOCK = str(Path(sys.executable).parent / "airlock")


def floor(archive: Path, work: Path) -> float:
    out = work / "extracted"
    out.mkdir()
    return run(["tar", "-xf", str(archive), "-C", str(out)]) + \
        run(["sha256sum", str(archive)])


def final_state(validation: dict[str, Any], env: dict[str, str]) -> str:
    """The dataset's state after `airlock upload` (whose --json prints the validation)."""
    status = subprocess.run([AIRLOCK, "status", validation["dataset_id"], "--json"], env=env,
                            capture_output=True, text=True, check=True)
    state: str = json.loads(status.stdout)["state"]
    return state


def main() -> None:
    args = parser(__doc__, items=380).parse_args()
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items)
        env = clean_environment() | {"AIRLOCK_HOME": str(work / "home")}
        (work / "contract.yaml").write_text(contract())
        run([AIRLOCK, "init"], env)
        run([AIRLOCK, "tenant", "create", "bench"], env)
        run([AIRLOCK, "contract", "add", str(work / "contract.yaml"), "--tenant", "bench"], env)
        upload = [AIRLOCK, "upload", str(dataset.archive), "--contract", "bench",
                  "--tenant", "bench", "--json"]
        chain_s, rss = run_measured(upload, env, work / "upload.json")
        state = final_state(json.loads((work / "upload.json").read_text()), env)
        floor_s = floor(dataset.archive, work)
    if state != "ready":
        raise SystemExit(f"the dataset ended {state}, not ready")
    report(Result(
        name="chain", title="Whole chain: airlock upload (upload, validation, anonymisation)",
        size=f"{dataset.items} photo-like JPEGs + labels.csv with names and phones, "
             f"{dataset.megabytes:.0f} MB tar",
        rows=[Row("airlock upload (CLI, subprocess, start-up included)", chain_s,
                  dataset.items, dataset.megabytes),
              Row("floor: tar -x + sha256sum", floor_s, dataset.items, dataset.megabytes)],
        peak_rss_mb=rss,
        notes=["Peak RSS: the airlock process alone, from the kernel."]), args.results)


if __name__ == "__main__":
    main()
