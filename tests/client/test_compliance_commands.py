"""The compliance commands of the real `airlock-client`, against a real `airlock serve`: a
rejected dataset (purged at once, so it has both a receipt and a deletion certificate) is
shown and verified offline, and an audit bundle is exported, verified, and refused once
tampered with."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import airlock, server  # noqa: F401 (server: a fixture)
from tests.intake.datasets import contract_yaml, dataset_files, pack
from vocabulary import Layout

CLIENT = str(Path(sys.executable).parent / "airlock-client")


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The e2e instance's, except that a rejected dataset is purged (and certified) at once
    rather than a day later, once its client had time to read the report."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    return {**base, "AIRLOCK_HOME": str(tmp_path / "home"), "AIRLOCK_DATABASE_URL": database_url,
            "AIRLOCK_REJECTED_REPORT_SECONDS": "0"}


def client(env: dict[str, str], url: str, token: str, *args: str
           ) -> subprocess.CompletedProcess[str]:
    """The installed command, with its settings in the environment only."""
    settings = {**env, "AIRLOCK_URL": url, "AIRLOCK_TOKEN": token,
                "AIRLOCK_CREDENTIALS_FILE": str(Path(env["AIRLOCK_HOME"]) / "no-profile")}
    return subprocess.run([CLIENT, *args], env=settings, capture_output=True, text=True,
                          timeout=120, check=False)


def _token(url: str, admin: str, role: str, tenant: str | None = None) -> str:
    made = httpx.post(f"{url}/v1/tokens", headers={"Authorization": f"Bearer {admin}"},
                      json={"name": role, "role": role, "tenant": tenant})
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


def _rejected_dataset(env: dict[str, str], url: str, uploader: str, tmp_path: Path) -> str:
    """A dataset below its contract's volume: rejected (with a receipt), then purged (with a
    certificate)."""
    contract = tmp_path / "voc.yaml"
    contract.write_text(contract_yaml(Layout.VOC).replace("min_items: 2", "min_items: 500"))
    added = airlock(env, "contract", "add", str(contract), "--tenant", "acme", "--json")
    assert added.returncode == 0, added.stderr
    uploaded = httpx.post(f"{url}/v1/datasets", params={"contract": "voc"},
                          content=pack(dataset_files(Layout.VOC), "zip"), timeout=60,
                          headers={"Authorization": f"Bearer {uploader}"})
    assert uploaded.status_code in (201, 202), uploaded.text
    dataset_id = str(uploaded.json()["id"])
    deadline = time.monotonic() + 120
    while httpx.get(f"{url}/v1/datasets/{dataset_id}",
                    headers={"Authorization": f"Bearer {uploader}"}).json()["state"] \
            != "purged":
        assert time.monotonic() < deadline, "the rejected dataset was not purged"
        time.sleep(0.2)
    return dataset_id


@pytest.fixture
def purged(server: tuple[str, str], env: dict[str, str],  # noqa: F811
           tmp_path: Path) -> tuple[str, str, str, str]:
    """(URL, a compliance officer's token, the client's token, the purged dataset's id)."""
    url, admin = server
    assert airlock(env, "tenant", "create", "acme").returncode == 0
    officer, uploader = _token(url, admin, "compliance"), _token(url, admin, "client", "acme")
    return url, officer, uploader, _rejected_dataset(env, url, uploader, tmp_path)


def _flip_one_byte(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_certificate_and_a_receipt_are_shown_and_verified_offline(
        purged: tuple[str, str, str, str], env: dict[str, str],
        tmp_path: Path) -> None:
    url, admin, uploader, dataset_id = purged
    shown = client(env, url, admin, "certificate", "show", dataset_id)
    assert shown.returncode == 0, shown.stderr
    assert "CERTIFICATE OF DATA DELETION" in shown.stdout and dataset_id in shown.stdout

    saved = tmp_path / "certificate.json"
    done = client(env, url, admin, "certificate", "show", dataset_id, "-o", str(saved), "--json")
    assert done.returncode == 0, done.stderr
    assert saved.read_bytes() == httpx.get(f"{url}/v1/datasets/{dataset_id}/certificate",
                                           headers={"Authorization": f"Bearer {admin}"}
                                           ).content
    key = httpx.get(f"{url}/v1/public-key").json()  # no token: the key is public
    pem = tmp_path / "instance.pem"
    pem.write_text(key["public_key"])

    # Offline: no instance, no token, only the file and the published key.
    offline = {k: v for k, v in env.items() if k not in ("AIRLOCK_URL", "AIRLOCK_TOKEN")}
    checked = subprocess.run([CLIENT, "certificate", "verify", str(saved), "--key", str(pem),
                              "--json"], env=offline, capture_output=True, text=True,
                             timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    verdict = json.loads(checked.stdout)
    assert verdict["valid"] and verdict["finding"] == "intact"
    assert verdict["key_id"] == key["key_id"] and verdict["dataset_id"] == dataset_id

    fetched = client(env, url, admin, "certificate", "verify", str(saved), "--instance")
    assert fetched.returncode == 0 and fetched.stdout.startswith("valid: certificate")

    # The client who delivered the dataset checks its receipt on their own machine.
    receipt = tmp_path / "receipt.json"
    assert client(env, url, uploader, "receipt", "show", dataset_id, "-o",
                  str(receipt)).returncode == 0
    assert json.loads(receipt.read_text())["outcome"] == "rejected"
    assert client(env, url, uploader, "receipt", "verify", str(receipt), "--instance",
                  "--quiet").returncode == 0
    text = client(env, url, uploader, "receipt", "show", dataset_id)
    assert text.returncode == 0 and "INTAKE RECEIPT" in text.stdout

    _flip_one_byte(receipt, '"outcome":"rejected"', '"outcome":"accepted"')
    tampered = client(env, url, admin, "receipt", "verify", str(receipt), "--key", str(pem))
    assert tampered.returncode == 1 and tampered.stderr.startswith("INVALID: receipt")
    wrong_kind = client(env, url, admin, "certificate", "verify", str(receipt))
    assert wrong_kind.returncode == 2 and "is a receipt" in wrong_kind.stderr
    (tmp_path / "junk.json").write_text("{not json")
    assert client(env, url, admin, "certificate", "verify",
                  str(tmp_path / "junk.json")).returncode == 2


def test_the_audit_trail_is_listed_exported_and_verified(
        purged: tuple[str, str, str, str], env: dict[str, str],
        tmp_path: Path) -> None:
    url, admin, _, dataset_id = purged
    listed = client(env, url, admin, "audit", "events", "--dataset", dataset_id, "--json")
    assert listed.returncode == 0, listed.stderr
    events = [json.loads(line) for line in listed.stdout.splitlines()]
    seqs = [event["seq"] for event in events]
    assert len(events) >= 3 and seqs == sorted(seqs)
    assert {event["dataset_id"] for event in events} == {dataset_id}
    everything = client(env, url, admin, "audit", "events", "--json").stdout.splitlines()
    two = client(env, url, admin, "audit", "events", "--after", "1", "--limit", "2", "--json")
    assert [json.loads(line)["seq"] for line in two.stdout.splitlines()] == [2, 3]
    assert len(everything) > len(events)

    table = tmp_path / "events.csv"
    exported = client(env, url, admin, "audit", "export", "--csv", "-o", str(table),
                      "--dataset", dataset_id)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert [int(row["seq"]) for row in rows] == seqs

    folder = tmp_path / "bundle"
    made = client(env, url, admin, "audit", "export", "--bundle", "-o", str(folder), "--json")
    assert made.returncode == 0, made.stderr
    verified = client(env, url, admin, "audit", "verify", str(folder), "--json")
    assert verified.returncode == 0, verified.stderr
    result = json.loads(verified.stdout)
    assert result["intact"] and result["complete"] and result["events_checked"] >= len(events)
    assert result["key_id"] == httpx.get(f"{url}/v1/public-key").json()["key_id"]

    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    altered = json.loads(lines[1])
    altered["actor"] = "someone else"
    lines[1] = json.dumps(altered, ensure_ascii=False) + "\n"
    (folder / "events.jsonl").write_text("".join(lines), encoding="utf-8")
    refused = client(env, url, admin, "audit", "verify", str(folder))
    assert refused.returncode == 1
    assert refused.stderr.startswith("NOT INTACT: event 2 was altered")

    (folder / "manifest.json").unlink()
    assert client(env, url, admin, "audit", "verify", str(folder)).returncode == 2
    again = client(env, url, admin, "audit", "export", "-o", str(folder))
    assert again.returncode == 2 and "new or empty folder" in again.stderr


def test_documents_signed_before_a_rotation_verify_with_the_instances_key(
        purged: tuple[str, str, str, str], env: dict[str, str], tmp_path: Path) -> None:
    """`--instance` fetches the key the document names, a retired one included, so a
    certificate issued before `airlock admin rotate-signing-key` still verifies."""
    url, admin, _, dataset_id = purged
    saved = tmp_path / "certificate.json"
    assert client(env, url, admin, "certificate", "show", dataset_id, "-o",
                  str(saved)).returncode == 0
    old = httpx.get(f"{url}/v1/public-key").json()
    rotated = airlock(env, "admin", "rotate-signing-key", "--json")
    assert rotated.returncode == 0, rotated.stderr
    new_key_id = json.loads(rotated.stdout)["new_key_id"]

    assert httpx.get(f"{url}/v1/public-key").json()["key_id"] == new_key_id
    assert httpx.get(f"{url}/v1/public-key", params={"key_id": old["key_id"]}).json() == old
    assert httpx.get(f"{url}/v1/public-key", params={"key_id": "0" * 16}).status_code == 404
    assert httpx.get(f"{url}/v1/public-key", params={"key_id": "../../x"}).status_code == 422

    checked = client(env, url, admin, "certificate", "verify", str(saved), "--instance",
                     "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["key_id"] == old["key_id"]
    # A document naming a key the instance never had is checked with the current key: not
    # valid, and the verdict names both keys.
    forged = json.loads(saved.read_text())
    forged["issuer"]["key_id"] = "0" * 16
    saved.write_text(json.dumps(forged))
    refused = client(env, url, admin, "certificate", "verify", str(saved), "--instance")
    assert refused.returncode == 1 and new_key_id in refused.stderr
