"""Uploads through the real CLI and the real server: a folder packed on the fly, streamed
HTTP bodies, several uploads at once."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.e2e.conftest import airlock
from tests.intake.datasets import contract_yaml, dataset_files, dataset_folder, pack
from vocabulary import Layout


def _contract(env: dict[str, str], tmp_path: Path, layout: Layout) -> None:
    path = tmp_path / f"{layout.value}.yaml"
    path.write_text(contract_yaml(layout))
    done = airlock(env, "contract", "add", str(path), "--tenant", "acme", "--json")
    assert done.returncode == 0, done.stderr


def test_cli_uploads_a_folder(env: dict[str, str], tmp_path: Path) -> None:
    assert airlock(env, "init").returncode == 0
    assert airlock(env, "tenant", "create", "acme").returncode == 0
    _contract(env, tmp_path, Layout.VOC)
    root = dataset_folder(tmp_path / "dataset", Layout.VOC)
    done = airlock(env, "upload", str(root), "--contract", "voc", "--tenant", "acme", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["outcome"] == "accepted" and report["summary"]["items"] == 6
    status = json.loads(airlock(env, "status", report["dataset_id"], "--json").stdout)
    assert status["state"] == "ready"  # accepted, then anonymised
    again = airlock(env, "report", report["dataset_id"])
    assert again.returncode == 0 and "ACCEPTED" in again.stdout


def _chunks(body: bytes, size: int = 65_536) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _wait_done(url: str, auth: dict[str, str], dataset_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status: dict[str, object] = httpx.get(f"{url}/v1/datasets/{dataset_id}",
                                               headers=auth).json()
        if status["state"] not in ("received", "validating", "validated", "anonymising"):
            return status
        time.sleep(0.2)
    raise AssertionError("validation and anonymisation did not finish")


def test_concurrent_streamed_uploads(server: tuple[str, str], env: dict[str, str],
                                     tmp_path: Path) -> None:
    url, admin = server
    assert airlock(env, "tenant", "create", "acme").returncode == 0
    for layout in (Layout.CSV_MANIFEST, Layout.YOLO, Layout.COCO):
        _contract(env, tmp_path, layout)
    client = httpx.post(f"{url}/v1/tokens", headers={"Authorization": f"Bearer {admin}"},
                        json={"name": "uploader", "role": "client", "tenant": "acme"})
    auth = {"Authorization": f"Bearer {client.json()['token']}"}
    jobs = [(Layout.CSV_MANIFEST, "zip"), (Layout.YOLO, "tar"), (Layout.COCO, "tar.gz"),
            (Layout.CSV_MANIFEST, "tar.gz")]
    bodies = [pack(dataset_files(layout), fmt) for layout, fmt in jobs]
    results: list[httpx.Response | BaseException] = [RuntimeError("not run")] * len(jobs)

    def send(index: int) -> None:
        contract = jobs[index][0].value.replace("_", "-")
        try:
            results[index] = httpx.post(f"{url}/v1/datasets", params={"contract": contract},
                                        content=_chunks(bodies[index]), headers=auth,
                                        timeout=60)
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = []
    for response in results:
        assert isinstance(response, httpx.Response), response
        assert response.status_code == 202, response.text
        created.append(response.json())
    assert len({c["id"] for c in created}) == len(jobs)
    for body, dataset in zip(bodies, created, strict=True):
        assert dataset["upload_bytes"] == len(body)
        assert dataset["upload_sha256"] == hashlib.sha256(body).hexdigest()
        status = _wait_done(url, auth, dataset["id"])
        assert status["state"] == "ready" and status["item_count"] == 6
    verify = airlock(env, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
