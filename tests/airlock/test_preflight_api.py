"""`POST /v1/preflight` on the real app: the report, the audit event with counts only,
every bound refused with nothing kept, and label content nowhere on disk or in the logs."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from airlock.admin import create_token, new_tenant
from airlock.api.app import create_app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import AuditEventRecord, Dataset, Role, StoredCopy
from intake import add_contract
from tests.intake.datasets import contract_yaml, dataset_files
from tests.intake.preflight.manifests import manifest
from vocabulary import Layout

CAPTION = "张三 138001380"
"""What the test datasets' captions hold: personal data that must never be kept."""


def _setup(instance: Instance, extra: str = "") -> dict[str, str]:
    text = contract_yaml(Layout.CSV_MANIFEST, extra=extra)
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        add_contract(tx, "acme", text)
        token = create_token(tx, name="c", role=Role.CLIENT, tenant="acme").plaintext
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}


@pytest.fixture
def api(instance: Instance, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(instance.settings, "preflight_max_bytes", 256 * 1024)
    monkeypatch.setattr(instance.settings, "preflight_max_line_bytes", 8 * 1024)
    with TestClient(create_app(instance)) as client:
        yield client


def _events(instance: Instance) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "dataset.preflight_checked")).scalars())


def _nothing_kept(instance: Instance) -> None:
    with instance.reading() as session:
        assert session.execute(select(func.count()).select_from(Dataset)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(StoredCopy)).scalar_one() == 0
    assert _events(instance) == []


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    return [str(path) for path in root.rglob("*") if path.is_file()
            and any(needle in path.read_bytes() for needle in needles)]


def test_a_client_gets_the_report_and_nothing_is_kept(
        api: TestClient, instance: Instance, caplog: pytest.LogCaptureFixture) -> None:
    auth = _setup(instance)
    files = dataset_files(Layout.CSV_MANIFEST)
    del files["images/img002.jpg"]
    with caplog.at_level(logging.DEBUG):
        answer = api.post("/v1/preflight", params={"contract": "csv-manifest"},
                          content=manifest(files), headers=auth)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["kind"], report["outcome"], report["dataset_id"]) == ("preflight",
                                                                       "rejected", "")
    assert report["rules"] == {"label.missing_image": 1}
    assert report["upload_bytes"] == sum(len(d) for p, d in files.items() if p != "labels.csv")\
        + len(files["labels.csv"])
    assert "image.corrupt" in report["not_checked"]
    assert CAPTION not in answer.text
    [event] = _events(instance)
    assert event.details == {"entries": 6, "images": 5, "label_files": 1, "errors": 1,
                             "warnings": 0, "request_id": answer.headers["x-request-id"]}
    with instance.reading() as session:
        assert session.execute(select(func.count()).select_from(Dataset)).scalar_one() == 0
    # The label content is in no file of the instance (database, WAL, vault, log) ...
    content = files["labels.csv"]
    needles = [CAPTION.encode(), base64.b64encode(content)[:40], content[:40]]
    assert _files_holding(instance.settings.home, needles) == []
    # ... nor in any log record.
    assert not [r for r in caplog.records if CAPTION in r.getMessage()
                or "img00" in r.getMessage()]


def test_an_accepted_manifest(api: TestClient, instance: Instance) -> None:
    auth = _setup(instance)
    answer = api.post("/v1/preflight?contract=csv-manifest",
                      content=manifest(dataset_files(Layout.CSV_MANIFEST)), headers=auth)
    assert answer.status_code == 200
    report = answer.json()
    assert (report["outcome"], report["summary"]["items"], report["summary"]["classes"]) == (
        "accepted", 6, {"cat": 3, "dog": 3})


def _lines(count: int, width: int = 0) -> bytes:
    return b"".join(b'{"path": "images/i%d.jpg", "size": 1, "sha256": "%s"%s}\n'
                    % (n, b"a" * 64, b" " * width) for n in range(count))


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 4096):
        yield data[start:start + 4096]


@pytest.mark.parametrize(("name", "status"), [
    ("declared too large", 413), ("streamed too large", 413), ("line too long", 413),
    ("too many files", 413), ("not json", 422), ("bad field", 422)])
def test_bounds_are_refused_with_nothing_kept(api: TestClient, instance: Instance, name: str,
                                              status: int) -> None:
    auth = _setup(instance)
    bodies: dict[str, bytes | Iterator[bytes]] = {
        "declared too large": _lines(50, 6000),
        "streamed too large": _chunks(_lines(50, 6000)),
        "line too long": _lines(1, 9000),
        "too many files": _lines(2 * 6 + 1001),  # the contract allows 6 items at most
        "not json": b"{oops\n",
        "bad field": b'{"path": "a.jpg", "size": 1, "sha256": "xyz"}\n',
    }
    limited = "volume: {classes: [cat, dog], min_items: 2, max_items: 6"
    if name == "too many files":
        with instance.transaction(SYSTEM) as tx:
            add_contract(tx, "acme", contract_yaml(Layout.CSV_MANIFEST).replace(
                "volume: {classes: [cat, dog], min_items: 2", limited))
    answer = api.post("/v1/preflight?contract=csv-manifest", content=bodies[name],
                      headers=auth)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "nothing was kept" in answer.json()["detail"]
    _nothing_kept(instance)


def test_another_tenants_contract_is_unknown(api: TestClient, instance: Instance) -> None:
    auth = _setup(instance)
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "other")
        other = add_contract(tx, "other", contract_yaml(Layout.CSV_MANIFEST))[0].id
    answer = api.post(f"/v1/preflight?contract={other}", content=b"", headers=auth)
    assert answer.status_code == 404
    assert _events(instance) == []
