"""Client uploads: the light client's resumable upload against one plain HTTP request.

Airlock: `airlock-client upload ARCHIVE --no-preflight --no-wait` against `airlock serve` on
this machine: the archive hashed, an upload created, its parts sent with their SHA-256s,
completed and checked whole. Baseline, on the same server and archive in the same run:
`curl --data-binary @ARCHIVE` to `POST /v1/datasets` (one request; a drop loses it all).
The two alternate, fastest of three each, on loopback, where the two programs and the server
share this machine's cores and nothing else limits them. Then on links of fixed rates: run as
root, the whole benchmark runs in a network namespace of its own, whose loopback the kernel
holds to each rate in turn (`tc` token bucket), shared by every connection as a real link
is; without root those rows are left out. Then the rate at each part size (one and four
parts in flight), and what a dropped connection costs: the upload through a relay that cuts
it once, halfway, against the same upload uncut.

On loopback the client does work curl does not: it reads and hashes the archive before the
first byte is sent (the digest it declares), and the server checks each part's digest and
hashes the whole again. The hashing pass is timed alone, so that the ceiling it sets on the
ratio is printed beside the ratio.

The archive is random bytes: validation rejects it at once, so the server's background work
does not weigh on the next run; the upload path never looks inside.

Usage: .venv/bin/python bench/client_upload.py [--megabytes 512] [--links [RATE ...]]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from measure import (
    Result,
    Row,
    clean_environment,
    fastest,
    parser,
    report,
    run,
    timed,
    workspace,
)

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from serving import serving  # noqa: E402

from airlock_client import planning  # noqa: E402
from airlock_client.output import Output  # noqa: E402
from airlock_client.pack import ArchiveFile  # noqa: E402
from airlock_client.transfer import source_digests  # noqa: E402
from tests.client.relay import relay  # noqa: E402

BIN = Path(sys.executable).parent
AIRLOCK, CLIENT = str(BIN / "airlock"), str(BIN / "airlock-client")
MIB = 1024 * 1024
RUNS = 3
LINKS = ("2gbit", "1gbit", "400mbit")
"""Link rates in `tc`'s units."""
NAMESPACE_VARIABLE = "BENCH_NETWORK_NAMESPACE"
"""Set in the run inside the namespace."""
PART_SIZES_MIB = (8, 16, 32, 64)
CONTRACT = ("name: bench\npurpose: benchmark of uploads\n"
            "layout: {kind: csv_manifest, manifest: labels.csv, image_field: image}\n"
            "images: {formats: [jpeg]}\n")


def random_archive(path: Path, megabytes: int) -> Path:
    with path.open("wb") as sink:
        for _ in range(megabytes):
            sink.write(os.urandom(MIB))
    return path


@contextmanager
def served(work: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`airlock serve` on a free port with a tenant, a contract and a client token; yields
    its URL and the client's environment."""
    env = clean_environment() | {"AIRLOCK_HOME": str(work / "home")}
    (work / "contract.yaml").write_text(CONTRACT)
    run([AIRLOCK, "init"], env)
    run([AIRLOCK, "tenant", "create", "bench"], env)
    run([AIRLOCK, "contract", "add", str(work / "contract.yaml"), "--tenant", "bench"], env)
    made = subprocess.run([AIRLOCK, "token", "create", "--role", "client", "--tenant", "bench",
                           "--name", "bench", "--json"], env=env, capture_output=True,
                          text=True, check=True)
    token = json.loads(made.stdout)["token"]
    with serving(AIRLOCK, work, env) as (url, _):
        yield url, clean_environment() | {"AIRLOCK_TOKEN": token}


def curl_upload(url: str, env: dict[str, str], archive: Path) -> None:
    run(["curl", "-sS", "--fail", "-o", os.devnull, "-H",
         f"Authorization: Bearer {env['AIRLOCK_TOKEN']}", "-H",
         "Content-Type: application/octet-stream", "--data-binary", f"@{archive}",
         f"{url}/v1/datasets?contract=bench"])


def upload_args(archive: Path, part_mib: int = 32, parallel: int = 4) -> list[str]:
    return ["upload", str(archive), "--contract", "bench", "--no-wait", "--no-preflight",
            "--quiet", "--part-size", f"{part_mib}MiB", "--parallel", str(parallel)]


def client_upload(url: str, env: dict[str, str], archive: Path, part_mib: int = 32,
                  parallel: int = 4) -> None:
    run([CLIENT, "--url", url, *upload_args(archive, part_mib, parallel)], env)


def main() -> None:
    options = parser(__doc__, items=0)
    options.add_argument("--megabytes", type=int, default=512, help="archive size (MiB)")
    options.add_argument("--runs", type=int, default=RUNS,
                         help="runs of each loopback measurement, the fastest kept "
                              "(default: %(default)s)")
    options.add_argument("--part-sizes", nargs="+", type=int, default=list(PART_SIZES_MIB),
                         metavar="MIB", help="part sizes to time (default: %(default)s)")
    options.add_argument("--links", nargs="*", type=_rate, default=list(LINKS),
                         metavar="RATE", help="link rates such as 1gbit or 400mbit (default: "
                                              "%(default)s); `--links` alone leaves them out")
    args = options.parse_args()
    inside = os.environ.get(NAMESPACE_VARIABLE) is not None
    if args.links and not inside and _can_shape_links():
        sys.exit(_in_namespace())
    links: list[str] = args.links if inside else []
    megabytes = args.megabytes * MIB / 1e6
    with workspace(args.dir) as work, served(work) as (url, env):
        archive = random_archive(work / "random.tar", args.megabytes)
        client_s, curl_s = float("inf"), float("inf")
        for _ in range(args.runs):
            client_s = min(client_s, timed(lambda: client_upload(url, env, archive))[0])
            curl_s = min(curl_s, timed(lambda: curl_upload(url, env, archive))[0])
        hashing_s = fastest(lambda: _hash(archive), args.runs)
        linked = [_on_link(url, env, archive, rate, megabytes, min(args.runs, 2))
                  for rate in links]
        parts = [Row(f"part size {size} MiB, {parallel} in flight",
                     run([CLIENT, "--url", url, *upload_args(archive, size, parallel)], env),
                     0, megabytes)
                 for size in args.part_sizes for parallel in (1, 4)]
        clean_s = timed(lambda: client_upload(url, env, archive, 16, 1))[0]
        cuts = iter([args.megabytes * MIB // 2])
        with relay(_port(url), budget=lambda: next(cuts, None)) as proxy:
            dropped_s = timed(lambda: client_upload(proxy.url, env, archive, 16, 1))[0]
            if proxy.cuts != 1:
                raise SystemExit(f"the proxy cut {proxy.cuts} connections, not one")
    report(Result(
        name="client_upload", title="Client upload (resumable, parts with digests)",
        size=f"{args.megabytes} MiB of random bytes",
        rows=[Row("airlock-client upload (32 MiB parts, 4 in flight)", client_s, 0, megabytes),
              Row("curl --data-binary to POST /v1/datasets (one request)", curl_s, 0,
                  megabytes),
              Row("the client's digest pass alone (whole and parts, one read)", hashing_s, 0,
                  megabytes),
              *[row for pair in linked for row in pair],
              *parts,
              Row("16 MiB parts, 1 in flight, uncut", clean_s, 0, megabytes),
              Row("the same, cut once halfway and resumed", dropped_s, 0, megabytes)],
        notes=["Both include starting the command; the client also reads the archive once "
               "more, for its SHA-256, before sending it.",
               f"On loopback the client does {curl_s / client_s:.2f}x curl's rate. Its digest "
               f"pass alone, before any byte is sent, caps that at "
               f"{curl_s / (curl_s + hashing_s):.2f}x even if the parts went as fast as "
               "curl's one request.",
               *[f"On a {rate} link the client does {curl.seconds / client.seconds:.2f}x "
                 "curl's rate." for rate, (client, curl) in zip(links, linked, strict=True)],
               *([] if links else ["Links of fixed rates left out: they need root, `ip` and "
                                   "`tc` for a network namespace."]),
               f"A drop cost {dropped_s - clean_s:.2f} s: the retry's wait, the new "
               "connection, the upload's state read back and the cut part sent again."]),
        args.results)


def _rate(text: str) -> str:
    if re.fullmatch(r"[1-9][0-9]{0,5}[kmg]bit", text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate such as 1gbit or 400mbit")
    return text


def _can_shape_links() -> bool:
    return os.geteuid() == 0 and shutil.which("ip") is not None \
        and shutil.which("tc") is not None


def _in_namespace() -> int:
    """Run this benchmark again inside a new network namespace, with its loopback up."""
    namespace = f"airlock-bench-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"],
                       check=True)
        return subprocess.run(["ip", "netns", "exec", namespace, sys.executable, *sys.argv],
                              env=os.environ | {NAMESPACE_VARIABLE: namespace},
                              check=False).returncode
    finally:
        subprocess.run(["ip", "netns", "del", namespace], check=False)


def _on_link(url: str, env: dict[str, str], archive: Path, rate: str, megabytes: float,
             runs: int) -> tuple[Row, Row]:
    """The client and curl (best of `runs` each) with the namespace's loopback held to
    `rate`."""
    subprocess.run(["tc", "qdisc", "replace", "dev", "lo", "root", "tbf", "rate", rate,
                    "burst", "1mb", "latency", "100ms"], check=True)
    try:
        client_s = fastest(lambda: client_upload(url, env, archive), runs)
        curl_s = fastest(lambda: curl_upload(url, env, archive), runs)
    finally:
        subprocess.run(["tc", "qdisc", "del", "dev", "lo", "root"], check=True)
    return (Row(f"airlock-client upload, {rate} link", client_s, 0, megabytes),
            Row(f"curl --data-binary, {rate} link", curl_s, 0, megabytes))


def _hash(archive: Path) -> None:
    source = ArchiveFile(archive)
    source_digests(source, planning.DEFAULT_PART_SIZE, Output(quiet=True))


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


if __name__ == "__main__":
    main()
