"""`airlock-client upload` against a real `airlock serve` with the resumable upload API:
parallel parts, a resume after the client was killed with SIGKILL mid-upload, a corrupted
part refused, a folder changed during its upload. Skipped until the server has
`/v1/uploads` (branch `uploads`); then they run by themselves."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pty
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.settings import Settings
from airlock_client.pack import FolderTar
from tests.client.conftest import CLIENT, Served, World
from tests.client.datasets import (
    finished,
    folder_digest,
    noisy_folder,
    open_uploads,
    port_of,
)
from tests.client.folders import write_folder
from tests.client.relay import relay
from tests.intake.datasets import dataset_files
from vocabulary import Layout

MIB = 1024 * 1024


def _server_hasopen_uploads() -> bool:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/airlock.db",
                            storage="local")
        return "/v1/uploads" in create_app(Instance(settings)).openapi()["paths"]


pytestmark = pytest.mark.skipif(not _server_hasopen_uploads(),
                                reason="the server has no resumable upload API yet")


def test_a_folder_is_uploaded_in_parallel_parts_and_accepted(world: World,
                                                             tmp_path: Path) -> None:
    root = noisy_folder(tmp_path / "dataset", 8)
    done = world.client("upload", str(root), "--contract", "voc", "--part-size", "1MiB",
                        "--parallel", "4", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    upload = result["upload"]
    assert upload["sha256"] == folder_digest(root) == result["dataset"]["upload_sha256"]
    assert upload["parts_total"] == -(-FolderTar(root).size // MIB) >= 3
    assert (upload["parts_sent"], upload["resumed"]) == (upload["parts_total"], False)
    assert result["dataset"]["state"] == "ready"
    assert (result["report"]["outcome"], result["report"]["summary"]["items"]) == \
        ("accepted", 8)
    assert world.token not in done.stdout + done.stderr


def _wait_for_parts(world: World, sha256: str, count: int, running: subprocess.Popen[str],
                    url: str | None = None) -> None:
    """Until the open upload of `sha256` holds `count` parts; fails if the client ends."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert running.poll() is None, "the upload ended before it could be cut"
        found = open_uploads(world, sha256, url)
        if found and int(found[0]["received_bytes"]) >= count * MIB:  # type: ignore[call-overload]
            return
        time.sleep(0.01)
    pytest.fail(f"the server never held {count} parts")


def _start(world: World, root: Path, *options: str, url: str | None = None,
           ) -> subprocess.Popen[str]:
    return subprocess.Popen([CLIENT, "upload", str(root), "--contract", "voc", "--part-size",
                             "1MiB", "--no-wait", "--json", *options],
                            env=world.client_env(url=url), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_client_killed_mid_upload_resumes_where_it_stopped(world: World,
                                                             tmp_path: Path) -> None:
    root = noisy_folder(tmp_path / "dataset", 24)
    sha256 = folder_digest(root)
    with relay(port_of(world.url), bytes_per_second=4 * MIB) as slow:
        killed = _start(world, root, "--parallel", "1", url=slow.url)
        _wait_for_parts(world, sha256, 2, killed)
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=30)
    listed = open_uploads(world, sha256)
    assert len(listed) == 1 and listed[0]["state"] == "open"
    left = httpx.get(f"{world.url}/v1/uploads/{listed[0]['id']}", headers=world.auth).json()
    total, kept = left["parts_total"], len(left["parts"])
    assert 2 <= kept < total

    resumed = world.client("upload", str(root), "--contract", "voc", "--part-size", "1MiB",
                           "--no-wait", "--json")
    assert resumed.returncode == 0, resumed.stderr
    result = json.loads(resumed.stdout)
    assert result["upload"]["id"] == left["id"] and result["upload"]["resumed"] is True
    assert result["upload"]["parts_sent"] == total - kept
    assert result["dataset"]["upload_sha256"] == sha256
    waited = world.client("status", result["dataset"]["id"], "--wait", "--json")
    assert waited.returncode == 0, waited.stderr
    assert json.loads(waited.stdout)["state"] == "ready"


def test_dropped_connections_and_a_server_restart_are_ridden_out(
        world: World, served: tuple[Served, str], tmp_path: Path) -> None:
    server, _ = served
    root = noisy_folder(tmp_path / "dataset", 24)
    sha256 = folder_digest(root)
    with relay(server.port, bytes_per_second=4 * MIB) as network:
        running = _start(world, root, "--parallel", "2", url=network.url)
        for parts in (2, 4):
            _wait_for_parts(world, sha256, parts, running, f"http://127.0.0.1:{server.port}")
            network.cut()
        _wait_for_parts(world, sha256, 6, running, f"http://127.0.0.1:{server.port}")
        server.kill()
        network.cut()
        network.target_port = port_of(server.start())
        stdout, stderr = finished(running, timeout=200)
    assert running.returncode == 0, stderr
    result = json.loads(stdout)
    # A part stored just before a cut is not sent again: the client reads the upload back.
    assert result["upload"]["resumed"] is False
    assert 0 < result["upload"]["parts_sent"] <= result["upload"]["parts_total"]
    assert result["dataset"]["upload_sha256"] == sha256
    assert world.token not in stdout + stderr


def test_a_corrupted_part_is_refused_and_sent_again_whole(world: World,
                                                          tmp_path: Path) -> None:
    root = noisy_folder(tmp_path / "dataset", 6)
    packed = FolderTar(root)
    whole = packed.read(0, packed.size)
    sha256 = hashlib.sha256(whole).hexdigest()
    made = httpx.post(f"{world.url}/v1/uploads", headers=world.auth, timeout=30,
                      json={"contract": "voc", "size": packed.size, "sha256": sha256,
                            "part_size": MIB})
    assert made.status_code == 201, made.text
    upload = made.json()
    part = bytearray(whole[:MIB])
    digest = base64.b64encode(hashlib.sha256(part).digest()).decode()
    part[1000] ^= 0xFF  # flipped on the way
    refused = httpx.put(f"{world.url}/v1/uploads/{upload['id']}/parts/1", content=bytes(part),
                        headers={**world.auth, "Content-Digest": f"sha-256=:{digest}:"},
                        timeout=30)
    assert refused.status_code == 422
    assert httpx.get(f"{world.url}/v1/uploads/{upload['id']}", headers=world.auth
                     ).json()["parts"] == []

    done = world.client("upload", str(root), "--contract", "voc", "--no-wait", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["upload"]["id"] == upload["id"] and result["upload"]["resumed"] is True
    assert result["dataset"]["upload_sha256"] == sha256


def test_a_folder_changed_during_its_upload_is_refused(world: World, tmp_path: Path) -> None:
    root = noisy_folder(tmp_path / "dataset", 16)
    last = max((p for p in root.rglob("*.jpg")), key=lambda p: p.as_posix())
    sha256 = folder_digest(root)
    with relay(port_of(world.url), bytes_per_second=4 * MIB) as slow:
        upload = _start(world, root, "--parallel", "1", url=slow.url)
        _wait_for_parts(world, sha256, 1, upload)
        last.write_bytes(last.read_bytes()[::-1])
        os.utime(last, ns=(0, last.stat().st_mtime_ns + 10**9))
        _, stderr = upload.communicate(timeout=120)
    assert upload.returncode == 1, stderr
    assert "changed during the upload" in stderr


def test_progress_bars_are_shown_at_a_terminal_only(world: World, tmp_path: Path) -> None:
    root = noisy_folder(tmp_path / "dataset", 6)
    leader, follower = pty.openpty()
    shown: list[bytes] = []

    def drain() -> None:  # a pty's buffer is small: read while the client writes
        with suppress(OSError):
            while chunk := os.read(leader, 65536):
                shown.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    done = subprocess.run([CLIENT, "upload", str(root), "--contract", "voc", "--part-size",
                           "1MiB"], env=world.client_env(), stdout=subprocess.PIPE,
                          stderr=follower, text=True, timeout=300, check=False)
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    terminal = b"".join(shown).decode(errors="replace")
    assert done.returncode == 0, terminal
    assert "upload" in terminal and "B/s" in terminal and "100%" in terminal
    assert "ACCEPTED" in done.stdout and "upload" not in done.stdout.split("\n")[0]
    assert world.token not in terminal + done.stdout
    piped = world.client("upload", str(root), "--contract", "voc", "--no-wait")
    assert piped.returncode == 0 and "B/s" not in piped.stderr


def test_a_rejected_dataset_ends_the_upload_with_status_1_and_its_summary(
        world: World, tmp_path: Path) -> None:
    root = write_folder(tmp_path / "dataset", dataset_files(Layout.VOC, count=1))  # 1 class of 2
    done = world.client("upload", str(root), "--contract", "voc", "--no-preflight")
    assert done.returncode == 1, done.stderr
    first, *rest = done.stdout.splitlines()
    assert first.startswith("dataset ") and "REJECTED against contract voc v1" in first
    assert rest[-2].endswith(": rejected") and "airlock-client report " in rest[-1]
    quiet = world.client("upload", str(root), "--contract", "voc", "--quiet",
                         "--no-preflight")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", "")


def test_pre_flight_stops_a_dataset_it_would_refuse_before_an_upload_begins(
        world: World, tmp_path: Path) -> None:
    root = write_folder(tmp_path / "dataset", dataset_files(Layout.VOC, count=1))  # 1 class of 2
    done = world.client("upload", str(root), "--contract", "voc")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("pre-flight: would be REJECTED by contract voc v1")
    assert "volume.too_few_per_class" in done.stdout or "volume." in done.stdout
    as_json = world.client("upload", str(root), "--contract", "voc", "--json")
    assert as_json.returncode == 1, as_json.stderr
    result = json.loads(as_json.stdout)
    assert (result["preflight"]["kind"], result["upload"]) == ("preflight", None)
    assert open_uploads(world, folder_digest(root)) == []
    listed = httpx.get(f"{world.url}/v1/datasets", headers=world.auth, timeout=30).json()
    assert listed == []
