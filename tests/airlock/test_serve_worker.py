"""`airlock serve` anonymises in a worker process of its own: the real server under several
real uploads stays small (the models load in the child only), a killed child is restarted
and resumes its step, and with AIRLOCK_SERVE_WORKER=false the operator's worker does it."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from PIL import Image

from airlock.admin import create_token, new_tenant
from airlock.instance import Instance
from airlock.pipeline import Pipeline
from airlock.serve_worker import API_STEPS
from audit import SYSTEM
from catalog import DatasetState, Role
from intake import add_contract, receive_upload
from tests.airlock.test_worker import (
    AIRLOCK,
    KILL_ITEMS,
    Running,
    assert_resumed_once,
    distinct_image,
    state,
)
from tests.e2e.conftest import free_port, wait_for_health
from tests.intake.datasets import pack
from tests.retention import datasets

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
SERVE_LIMIT_MB = 300
"""Issue 18 §5: serve's peak RSS under upload load (it was 1.2 GB with the models in it)."""
UPLOADS = 4
PHOTOS = 4
"""The quickstart contract's min_items: each photo is ~1 s of the worker's detectors."""


@pytest.fixture
def serving() -> Iterator[list[Running]]:
    """The `airlock serve` processes a test started; stopped at the end if still running."""
    started: list[Running] = []
    yield started
    for each in started:
        if each.process.poll() is None:
            each.process.terminate()
            each.process.wait(timeout=30)


def serve(started: list[Running], tmp_path: Path, **settings: str) -> tuple[Running, str]:
    port = free_port()
    log = tmp_path / f"serve{len(started)}.log"
    with log.open("w") as sink:
        process = subprocess.Popen([AIRLOCK, "serve", "--port", str(port)],
                                   env={**os.environ, **settings}, stdout=sink,
                                   stderr=subprocess.STDOUT, text=True)
    started.append(Running(process, log, log))
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url)
    return started[-1], url


def quickstart_client(instance: Instance) -> str:
    """The quickstart's tenant and contract (faces and text redacted); a client token."""
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        add_contract(tx, "acme", (QUICKSTART / "contract.yaml").read_text())
        return create_token(tx, name="uploader", role=Role.CLIENT, tenant="acme").plaintext


def street_photos(seed: int, count: int = PHOTOS) -> bytes:
    """A tar of the quickstart's photos at 1280x960 (each turned a little so that none
    repeats) and a manifest whose captions name a person and a place."""
    rows = ["image,label,caption"]
    files: dict[str, bytes] = {}
    for n in range(count):
        photo = Image.open(QUICKSTART / "street-photos" / "photos" / f"000{n % 4 + 1}.jpg")
        out = io.BytesIO()
        photo.resize((1280, 960)).rotate(seed * count + n + 1).save(out, "JPEG", quality=85)
        files[f"photos/{n:04d}.jpg"] = out.getvalue()
        rows.append(f"photos/{n:04d}.jpg,pedestrian,张三在中关村大街{n}号等车")
    files["labels.csv"] = ("\n".join(rows) + "\n").encode()
    body = io.BytesIO()
    with tarfile.open(fileobj=body, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return body.getvalue()


def upload_all(url: str, token: str, bodies: list[bytes]) -> list[str]:
    """Every body uploaded at once, each on a thread of its own; the datasets' ids."""
    ids: list[str] = []

    def send(body: bytes) -> None:
        done = httpx.post(f"{url}/v1/datasets", params={"contract": "street-photos"},
                          content=body, headers={"Authorization": f"Bearer {token}"},
                          timeout=120)
        assert done.status_code == 202, done.text
        ids.append(done.json()["id"])

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == len(bodies)
    return ids


def peak_mb(pid: int) -> int:
    """The process's own peak resident set (VmHWM), not its children's."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def test_the_api_pipeline_validates_then_hands_the_dataset_over(instance: Instance) -> None:
    handed: list[str] = []
    dataset = datasets.uploaded(instance, datasets.contract(instance)).id
    done = Pipeline(instance, steps=API_STEPS, handoff=handed.append).drive(dataset)
    assert done.validation is not None and done.anonymisation is None
    assert state(instance, dataset) is DatasetState.VALIDATED and handed == [dataset]
    assert Pipeline(instance).drive(dataset).anonymisation is not None


def test_serve_stays_small_while_its_worker_anonymises_uploads(
        instance: Instance, serving: list[Running], tmp_path: Path) -> None:
    token = quickstart_client(instance)
    running, url = serve(serving, tmp_path)
    ids = upload_all(url, token, [street_photos(seed) for seed in range(UPLOADS)])
    running.wait_for(lambda: all(state(instance, each) is DatasetState.READY for each in ids),
                     seconds=600)
    served = peak_mb(running.process.pid)
    (child,) = psutil.Process(running.process.pid).children()
    assert served < SERVE_LIMIT_MB, f"serve peaked at {served} MB"
    assert peak_mb(child.pid) > served  # the models were loaded there
    report = httpx.get(f"{url}/v1/datasets/{ids[0]}/anonymisation-report",
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert report["images"]["images"] == PHOTOS


def test_a_killed_worker_is_restarted_and_resumes_the_anonymisation(
        instance: Instance, serving: list[Running], tmp_path: Path) -> None:
    found = datasets.contract(instance)
    running, _ = serve(serving, tmp_path)
    worker = psutil.Process(running.process.pid).children()[0]
    for _ in range(4):  # an anonymisation may end between the look and the kill: again
        files = {f"data/{('cat', 'dog')[n % 2]}/{n:04d}.png": distinct_image(n)
                 for n in range(KILL_ITEMS)}
        received = receive_upload(instance.transactions(SYSTEM), instance.vault, found,
                                  io.BytesIO(pack(files, "zip")), 10**9).id
        running.wait_for(lambda: state(instance, received)  # noqa: B023
                         in (DatasetState.ANONYMISING, DatasetState.READY), seconds=300,
                         every=0.02)
        worker.kill()
        worker.wait(timeout=30)
        if state(instance, received) is DatasetState.ANONYMISING:
            break
        worker = wait_for_new_worker(running, worker.pid)
    else:
        pytest.fail("no kill landed while a dataset was anonymising")
    running.wait_for(lambda: state(instance, received) is DatasetState.READY, seconds=300)
    assert_resumed_once(instance, received, DatasetState.ANONYMISING)
    assert f"serve's worker (pid {worker.pid}) was killed by SIGKILL" in running.log.read_text()


def wait_for_new_worker(running: Running, old: int) -> psutil.Process:
    found: list[psutil.Process] = []

    def restarted() -> bool:
        found[:] = [p for p in psutil.Process(running.process.pid).children() if p.pid != old]
        return bool(found)

    running.wait_for(restarted, seconds=60)
    return found[0]


def test_without_its_worker_serve_validates_and_the_operators_worker_anonymises(
        instance: Instance, serving: list[Running], tmp_path: Path) -> None:
    token = quickstart_client(instance)
    running, url = serve(serving, tmp_path, AIRLOCK_SERVE_WORKER="false")
    assert psutil.Process(running.process.pid).children() == []
    (dataset,) = upload_all(url, token, [street_photos(0)])
    running.wait_for(lambda: state(instance, dataset) is DatasetState.VALIDATED, seconds=120)
    once = subprocess.run([AIRLOCK, "worker", "--once"], env=dict(os.environ),
                          capture_output=True, text=True, timeout=300, check=False)
    assert once.returncode == 0, once.stderr
    assert state(instance, dataset) is DatasetState.READY
