"""`airlock-client preflight` as a user runs it, against `airlock serve` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import httpx
import pytest

from tests.client.folders import write_folder
from tests.e2e.conftest import env, server  # noqa: F401  (fixtures)
from tests.intake.datasets import contract_yaml, dataset_files, image, pack
from vocabulary import Layout

CLIENT = str(Path(sys.executable).parent / "airlock-client")


def _client_token(url: str, admin: str) -> str:
    auth = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as api:
        assert api.post("/v1/tenants", json={"name": "acme"}).status_code == 201
        assert api.post("/v1/contracts", json={
            "tenant": "acme", "yaml": contract_yaml(Layout.CSV_MANIFEST)}).status_code == 201
        issued = api.post("/v1/tokens", json={"name": "c", "role": "client", "tenant": "acme"})
        assert issued.status_code == 201
        return str(issued.json()["token"])


def _run(url: str, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    environ.update(AIRLOCK_URL=url, AIRLOCK_TOKEN=token)
    return subprocess.run([CLIENT, "preflight", *args], env=environ, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def client_token(server: tuple[str, str]) -> tuple[str, str]:  # noqa: F811
    url, admin = server
    return url, _client_token(url, admin)


def test_a_good_folder_and_its_archive_pass(client_token: tuple[str, str],
                                            tmp_path: Path) -> None:
    url, token = client_token
    files = dataset_files(Layout.CSV_MANIFEST)
    folder = write_folder(tmp_path / "dataset", files)
    archive = tmp_path / "dataset.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=".")
    reports = []
    for source in (folder, archive):
        done = _run(url, token, str(source), "--contract", "csv-manifest", "--json")
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout))
    for report in reports:
        assert (report["kind"], report["outcome"], report["summary"]["items"]) == (
            "preflight", "accepted", 6)
    assert reports[0]["rules"] == reports[1]["rules"] == {}
    assert token not in "".join(json.dumps(r) for r in reports)


def test_a_broken_dataset_exits_1_with_the_problems_by_rule(client_token: tuple[str, str],
                                                            tmp_path: Path) -> None:
    url, token = client_token
    files = dataset_files(Layout.CSV_MANIFEST)
    del files["images/img002.jpg"]
    files["images/img005.jpg"] = files["images/img000.jpg"]
    files["images/unlabelled.jpg"] = image(77)
    archive = tmp_path / "broken.zip"
    archive.write_bytes(pack(files, "zip"))
    done = _run(url, token, str(archive), "--contract", "csv-manifest")
    assert done.returncode == 1, done.stderr
    text = done.stdout
    assert "would be REJECTED" in text
    assert "error label.missing_image (1)\n  labels.csv:4:" in text
    assert "error image.duplicate (1)\n  images/img005.jpg:" in text
    assert "warning label.unlabelled_image (1)" in text or \
        "error label.unlabelled_image (1)" in text
    assert "not checked before the upload: " in text and "image.corrupt" in text
    assert "张三" not in text and token not in text + done.stderr
    quiet = _run(url, token, str(archive), "--contract", "csv-manifest", "--quiet")
    assert (quiet.returncode, quiet.stdout) == (1, "")


def test_a_refusal_is_an_error_with_its_exit_status(client_token: tuple[str, str],
                                                    tmp_path: Path) -> None:
    url, token = client_token
    folder = write_folder(tmp_path / "d", {"images/a.jpg": image(1)})
    unknown = _run(url, token, str(folder), "--contract", "no-such-contract")
    assert unknown.returncode == 1 and "404" in unknown.stderr
    refused = _run(url, "alk_not_a_real_token", str(folder), "--contract", "csv-manifest")
    assert refused.returncode == 4
    missing = _run(url, token, str(tmp_path / "nowhere"), "--contract", "csv-manifest")
    assert missing.returncode == 2
