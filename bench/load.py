"""The service-level objectives under load: a real `airlock serve` (with its worker) while
50 uploads and an anonymisation run at once, on loopback only, bounded in time and requests.

    .venv/bin/python bench/load.py [--uploads 50] [--seconds 60] [--max-requests 20000]

The scenario (docs/guides/service-levels.md, "Service-level objectives"):
1. a dataset of `--photos-big` photos is uploaded and its anonymisation starts in serve's
   worker;
2. while it runs, `--uploads` uploads of `--photos` photos each are sent at once, spread over
   tenants and tokens so that no per-token or per-tenant limit refuses them, and
   `--readers` threads read the API (a dataset's page, the list, the health check) until
   the uploads are answered and `--seconds` have passed, or `--max-requests` were made.

It prints, per class of route: requests, availability (answers that are not 5xx and no
transport error, over all), p50 and p99 in ms against the objective, and the peak resident
memory (VmHWM) of serve and of its worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from measure import clean_environment, run, workspace

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from serving import serving  # noqa: E402

from tests.airlock.test_serve_worker import street_photos  # noqa: E402

AIRLOCK = str(Path(sys.executable).parent / "airlock")
QUICKSTART = Path(__file__).resolve().parents[1] / "examples" / "quickstart"
CONTRACT = "street-photos"
TOKENS_PER_TENANT = 4
"""Within the default limits: 4 uploads in flight per token, 16 per tenant."""
UPLOADS_PER_TENANT = 16
OBJECTIVES_MS = {"read": 300.0, "upload": 1000.0}
"""p99 latency objectives (docs/guides/service-levels.md)."""


@dataclass
class Calls:
    """Latencies (s) and outcomes of one class of route, appended from many threads."""

    seconds: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    """HTTP status, or 0 for a transport error."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.seconds.append(seconds)
            self.statuses.append(status)

    def availability(self) -> float:
        good = sum(0 < s < 500 for s in self.statuses)
        return good / max(1, len(self.statuses))

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


@contextmanager
def served(work: Path, tenants: int) -> Iterator[tuple[str, int, list[list[str]]]]:
    """`airlock serve` on a free loopback port; its URL, pid and each tenant's client
    tokens."""
    env = clean_environment() | {"AIRLOCK_HOME": str(work / "home")}
    run([AIRLOCK, "init"], env)
    tokens: list[list[str]] = []
    for t in range(tenants):
        tenant = f"tenant{t}"
        run([AIRLOCK, "tenant", "create", tenant], env)
        run([AIRLOCK, "contract", "add", str(QUICKSTART / "contract.yaml"), "--tenant",
             tenant], env)
        tokens.append([json.loads(subprocess.run(
            [AIRLOCK, "token", "create", "--role", "client", "--tenant", tenant, "--name",
             f"load{k}", "--json"], env=env, capture_output=True, text=True,
            check=True).stdout)["token"] for k in range(TOKENS_PER_TENANT)])
    with serving(AIRLOCK, work, env) as (url, pid):
        yield url, pid, tokens


def upload(client: httpx.Client, token: str, body: bytes, calls: Calls) -> str | None:
    began = time.perf_counter()
    try:
        answer = client.post("/v1/datasets", params={"contract": CONTRACT}, content=body,
                             headers={"Authorization": f"Bearer {token}"})
    except httpx.TransportError:
        calls.add(time.perf_counter() - began, 0)
        return None
    calls.add(time.perf_counter() - began, answer.status_code)
    return str(answer.json()["id"]) if answer.status_code == 202 else None


def read_loop(url: str, token: str, dataset: str, calls: Calls, stop: threading.Event,
              budget: threading.Semaphore) -> None:
    """Reads the API in turn until `stop` is set or the request budget is spent."""
    paths = (f"/v1/datasets/{dataset}", "/v1/datasets", "/v1/health")
    with httpx.Client(base_url=url, timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        n = 0
        while not stop.is_set() and budget.acquire(blocking=False):
            began = time.perf_counter()
            try:
                status = client.get(paths[n % len(paths)]).status_code
            except httpx.TransportError:
                status = 0
            calls.add(time.perf_counter() - began, status)
            n += 1


def state(client: httpx.Client, token: str, dataset: str) -> dict[str, object]:
    answer = client.get(f"/v1/datasets/{dataset}",
                        headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return dict(answer.json())


def wait_until_anonymising(client: httpx.Client, token: str, dataset: str,
                           seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = state(client, token, dataset).get("progress")
        if isinstance(progress, dict) and progress.get("step") == "anonymise":
            return
        time.sleep(0.2)
    raise SystemExit("the first dataset's anonymisation did not start")


def peak_mb(pid: int) -> float:
    """A process's own peak resident set (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--uploads", type=int, default=50)
    options.add_argument("--photos", type=int, default=4, help="photos per upload")
    options.add_argument("--photos-big", type=int, default=24,
                         help="photos of the dataset anonymised meanwhile")
    options.add_argument("--readers", type=int, default=4)
    options.add_argument("--seconds", type=float, default=60,
                         help="least time the readers run (bounded by --max-requests)")
    options.add_argument("--max-requests", type=int, default=20000)
    args = options.parse_args()
    tenants = -(-args.uploads // UPLOADS_PER_TENANT)
    bodies = [street_photos(seed, args.photos) for seed in range(args.uploads)]
    reads, uploads = Calls(), Calls()
    with workspace(None) as work, served(work, tenants) as (url, pid, tokens):
        with httpx.Client(base_url=url, timeout=120) as client:
            first = upload(client, tokens[0][0], street_photos(10_000, args.photos_big), Calls())
            if first is None:
                raise SystemExit("the first upload was refused")
            wait_until_anonymising(client, tokens[0][0], first)
            stop, budget = threading.Event(), threading.Semaphore(args.max_requests)
            readers = [threading.Thread(target=read_loop, args=(
                url, tokens[0][0], first, reads, stop, budget)) for _ in range(args.readers)]
            began = time.monotonic()
            for reader in readers:
                reader.start()
            senders = [threading.Thread(target=upload, args=(
                client, tokens[n // UPLOADS_PER_TENANT][n % TOKENS_PER_TENANT], body,
                uploads)) for n, body in enumerate(bodies)]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
            time.sleep(max(0.0, args.seconds - (time.monotonic() - began)))
            still_anonymising = state(client, tokens[0][0], first).get("state")
            stop.set()
            for reader in readers:
                reader.join()
        worker = [child.pid for child in psutil.Process(pid).children(recursive=True)]
        memory = {"serve": peak_mb(pid), "worker": max((peak_mb(p) for p in worker),
                                                          default=float("nan"))}
    print_report(reads, uploads, memory, str(still_anonymising), time.monotonic() - began)


def print_report(reads: Calls, uploads: Calls, memory: dict[str, float], first_state: str,
                 seconds: float) -> None:
    print(f"load: {len(uploads.seconds)} uploads and {len(reads.seconds)} reads in "
          f"{seconds:.0f} s; the first dataset was {first_state} at the end")
    print(f"{'class':<8}{'requests':>10}{'availability':>14}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'objective':>11}  met")
    for name, calls in (("read", reads), ("upload", uploads)):
        p99 = calls.percentile(99)
        print(f"{name:<8}{len(calls.seconds):>10}{calls.availability():>14.4f}"
              f"{calls.percentile(50):>9.0f}{p99:>9.0f}{OBJECTIVES_MS[name]:>11.0f}  "
              f"{'yes' if p99 < OBJECTIVES_MS[name] else 'no'}")
        others = Counter(s for s in calls.statuses if s not in (200, 202))
        if others:
            print(f"  other answers (0: transport error): {dict(sorted(others.items()))}")
    print(f"peak RSS: serve {memory['serve']:.0f} MB, worker {memory['worker']:.0f} MB")


if __name__ == "__main__":
    main()
