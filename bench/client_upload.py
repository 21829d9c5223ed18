"""Client uploads: the light client's resumable upload against one plain HTTP request.

Airlock: `airlock-client upload ARCHIVE --no-preflight --no-wait` against `airlock serve` on
this machine: the archive hashed, an upload created, its parts sent with their SHA-256s,
completed and checked whole. Baseline, on the same server and archive in the same run:
`curl --data-binary @ARCHIVE` to `POST /v1/datasets` (one request; a drop loses it all).
The two alternate, fastest of three each, on loopback and through a relay that holds the
client's bytes to a network's rate (where the client's digest pass weighs less). Then the
rate at each part size (one and four parts in flight), and what a dropped connection costs:
the upload through a relay that cuts it once, halfway, against the same upload uncut.

The archive is random bytes: validation rejects it at once, so the server's background work
does not weigh on the next run; the upload path never looks inside.

Usage: .venv/bin/python bench/client_upload.py [--megabytes 512]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from measure import Result, Row, clean_environment, parser, report, run, timed, workspace

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
from tests.client.relay import relay  # noqa: E402
from tests.e2e.conftest import free_port, wait_for_health  # noqa: E402

BIN = Path(sys.executable).parent
AIRLOCK, CLIENT = str(BIN / "airlock"), str(BIN / "airlock-client")
MIB = 1024 * 1024
RUNS = 3
LINK_MB_PER_S = 50
"""The relayed network's rate: 400 Mbit/s."""
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
    port = free_port()
    with (work / "serve.log").open("w") as log:
        server = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url)
        yield url, clean_environment() | {"AIRLOCK_TOKEN": token}
    finally:
        server.terminate()
        server.wait(timeout=60)


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
    args = options.parse_args()
    megabytes = args.megabytes * MIB / 1e6
    with workspace(args.dir) as work, served(work) as (url, env):
        archive = random_archive(work / "random.tar", args.megabytes)
        client_s, curl_s = float("inf"), float("inf")
        for _ in range(RUNS):
            client_s = min(client_s, timed(lambda: client_upload(url, env, archive))[0])
            curl_s = min(curl_s, timed(lambda: curl_upload(url, env, archive))[0])
        with relay(_port(url), bytes_per_second=LINK_MB_PER_S * 1e6) as link:
            linked_client_s = timed(lambda: client_upload(link.url, env, archive))[0]
            linked_curl_s = timed(lambda: curl_upload(link.url, env, archive))[0]
        parts = [Row(f"part size {size} MiB, {parallel} in flight",
                     run([CLIENT, "--url", url, *upload_args(archive, size, parallel)], env),
                     0, megabytes)
                 for size in PART_SIZES_MIB for parallel in (1, 4)]
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
              Row(f"airlock-client upload, link at {LINK_MB_PER_S} MB/s", linked_client_s, 0,
                  megabytes),
              Row(f"curl --data-binary, link at {LINK_MB_PER_S} MB/s", linked_curl_s, 0,
                  megabytes),
              *parts,
              Row("16 MiB parts, 1 in flight, uncut", clean_s, 0, megabytes),
              Row("the same, cut once halfway and resumed", dropped_s, 0, megabytes)],
        notes=["Both include starting the command; the client also reads the archive once "
               "more, for its SHA-256, before sending it.",
               f"At {LINK_MB_PER_S} MB/s the client does {linked_curl_s / linked_client_s:.2f}x"
               " curl's rate.",
               f"A drop cost {dropped_s - clean_s:.2f} s: the retry's wait, the new "
               "connection, the upload's state read back and the cut part sent again."]),
        args.results)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


if __name__ == "__main__":
    main()
