"""Every layout, accepted and rejected, through the real CLI and HTTP API, on SQLite and
PostgreSQL, on the local and S3 backends."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from airlock.admin import create_token, new_tenant
from airlock.api.app import create_app
from airlock.cli.main import app
from airlock.instance import Instance
from audit import SYSTEM, verify_chain
from catalog import (
    AuditEventRecord,
    CopyKind,
    DataKeyRecord,
    Dataset,
    DatasetState,
    Item,
    Role,
    StoredCopy,
    live_copies,
)
from intake import add_contract
from tests.intake.datasets import contract_yaml, dataset_files, dataset_folder, image, pack
from vault.fields import ITEM_CLASS_NAME
from vocabulary import Layout

runner = CliRunner()


def _setup(instance: Instance, layout: Layout) -> str:
    """Tenant `acme` with the layout's contract; returns a client token."""
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        add_contract(tx, "acme", contract_yaml(layout))
        return create_token(tx, name="c", role=Role.CLIENT, tenant="acme").plaintext


def _upload_cli(tmp_path: Path, layout: Layout, files: dict[str, bytes],
                fmt: str) -> tuple[int, dict[str, object]]:
    archive = tmp_path / f"upload.{fmt}"
    archive.write_bytes(pack(files, fmt))
    result = runner.invoke(app, ["upload", str(archive), "--contract",
                                 layout.value.replace("_", "-"), "--tenant", "acme", "--json"])
    return result.exit_code, json.loads(result.stdout)


def _vault_objects(instance: Instance, dataset_id: str) -> list[str]:
    return instance.vault.list_objects(dataset_id)


def _assert_purged(instance: Instance, dataset_id: str) -> None:
    assert _vault_objects(instance, dataset_id) == []
    with instance.reading() as session:
        dataset = session.get(Dataset, dataset_id)
        key = session.get(DataKeyRecord, dataset_id)
        live = session.execute(select(func.count()).select_from(StoredCopy).where(
            StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None))).scalar_one()
        items = session.execute(select(func.count()).select_from(Item).where(
            Item.dataset_id == dataset_id)).scalar_one()
    assert dataset is not None and dataset.state is DatasetState.REJECTED
    # Every copy was deleted at once; the key stays, only to open the sealed report.
    assert key is not None and key.wrapped is not None and key.destroyed_at is None
    assert live == 0 and items == 0


@pytest.mark.parametrize("layout", list(Layout))
def test_every_layout_is_accepted_through_the_cli(any_instance: Instance, tmp_path: Path,
                                                  layout: Layout) -> None:
    _setup(any_instance, layout)
    files = dataset_files(layout)
    code, report = _upload_cli(tmp_path, layout, files, "zip")
    assert (code, report["outcome"], report["errors"]) == (0, "accepted", 0), report["problems"]
    assert report["summary"]["items"] == 6  # type: ignore[index]
    assert report["summary"]["classes"] == {"cat": 3, "dog": 3}  # type: ignore[index]
    dataset_id = str(report["dataset_id"])
    with any_instance.reading() as session:
        dataset = session.get(Dataset, dataset_id)
        items = session.execute(select(Item).where(Item.dataset_id == dataset_id)).scalars().all()
        # Accepted, then anonymised right away (labels rewritten, images redacted).
        assert dataset is not None and dataset.state is DatasetState.READY
        assert dataset.item_count == 6 and dataset.upload_sha256 == report["upload_sha256"]
        fields = any_instance.vault.field_cipher(session, dataset_id)
        assert sorted(fields.open_optional(ITEM_CLASS_NAME, i.sealed_class_name) or ""
                      for i in items) == ["cat"] * 3 + ["dog"] * 3
        assert all(i.width == 64 and i.height == 48 and i.format == "jpeg" for i in items)
        assert verify_chain(session).intact
        copies = live_copies(session, dataset_id)
    # every object stored is registered: the upload, its shards, the anonymised shards and
    # the preview (labels and images are in shards of their own, but for class folders)
    assert sorted(_vault_objects(any_instance, dataset_id)) == sorted(c.id for c in copies)
    kinds = Counter(c.kind for c in copies)
    shards = 1 if layout is Layout.CLASS_FOLDERS else 2
    assert kinds == {CopyKind.RAW: 1, CopyKind.RAW_SHARD: shards, CopyKind.ANONYMISED: shards,
                     CopyKind.REPORT: 1}


def _break(layout: Layout, files: dict[str, bytes]) -> str:
    """Remove one image the labels need (or for class folders, put one in the root)."""
    if layout is Layout.CLASS_FOLDERS:
        files["data/stray.jpg"] = image(99)
        return "label.no_class"
    del files[next(p for p in sorted(files) if p.endswith("img002.jpg"))]
    return "label.missing_image"


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("fmt", ["tar", "tar.gz"])
def test_every_layout_is_rejected_and_purged(any_instance: Instance, tmp_path: Path,
                                             layout: Layout, fmt: str) -> None:
    _setup(any_instance, layout)
    files = dataset_files(layout)
    rule = _break(layout, files)
    code, report = _upload_cli(tmp_path, layout, files, fmt)
    assert code == 1 and report["outcome"] == "rejected"
    assert rule in report["rules"]  # type: ignore[operator]
    dataset_id = str(report["dataset_id"])
    _assert_purged(any_instance, dataset_id)
    with any_instance.reading() as session:
        rejected = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.dataset_id == dataset_id,
            AuditEventRecord.action == "dataset.rejected")).scalar_one()
        assert rejected.details["rules"][rule] >= 1
        assert "张三" not in json.dumps(rejected.details)


def test_a_folder_is_packed_on_the_fly(instance: Instance, tmp_path: Path) -> None:
    _setup(instance, Layout.CSV_MANIFEST)
    root = dataset_folder(tmp_path / "dataset", Layout.CSV_MANIFEST)
    (root / "images" / "link.jpg").symlink_to(root / "images" / "img000.jpg")
    result = runner.invoke(app, ["upload", str(root), "--contract", "csv-manifest",
                                 "--tenant", "acme", "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["rules"] == {"unpack.symlink": 1}
    assert report["problems"][0]["file"] == "images/link.jpg"


@pytest.fixture
def api(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as client:
        yield client


def test_upload_status_and_report_over_http(api: TestClient, instance: Instance) -> None:
    token = _setup(instance, Layout.COCO)
    auth = {"Authorization": f"Bearer {token}"}
    body = pack(dataset_files(Layout.COCO), "tar.gz")
    created = api.post("/v1/datasets", params={"contract": "coco"}, content=body, headers=auth)
    assert created.status_code == 202, created.text
    dataset = created.json()
    assert dataset["upload_bytes"] == len(body) and len(dataset["upload_sha256"]) == 64
    status = api.get(f"/v1/datasets/{dataset['id']}", headers=auth).json()
    assert status["state"] == "ready" and status["item_count"] == 6
    report = api.get(f"/v1/datasets/{dataset['id']}/report", headers=auth).json()
    assert report["outcome"] == "accepted" and report["summary"]["label_files"] == 1
    listed = api.get("/v1/datasets", headers=auth).json()
    assert [d["id"] for d in listed] == [dataset["id"]]


def test_upload_over_the_limit_is_413_and_nothing_is_kept(instance: Instance) -> None:
    token = _setup(instance, Layout.CSV_MANIFEST)
    instance.settings = instance.settings.model_copy(update={"max_upload_bytes": 10_000})
    body = pack(dataset_files(Layout.CSV_MANIFEST), "tar")
    assert len(body) > 10_000
    with TestClient(create_app(instance)) as client:
        declared = client.post("/v1/datasets", params={"contract": "csv-manifest"},
                               content=body, headers={"Authorization": f"Bearer {token}"})
        streamed = client.post("/v1/datasets", params={"contract": "csv-manifest"},
                               content=iter([body[:8000], body[8000:]]),
                               headers={"Authorization": f"Bearer {token}"})
    assert declared.status_code == 413 and streamed.status_code == 413
    assert "nothing was kept" in streamed.json()["detail"]
    with instance.reading() as session:
        datasets = session.execute(select(Dataset)).scalars().all()
        assert [d.state for d in datasets] == [DatasetState.PURGED]  # only the streamed one
        assert session.execute(select(func.count()).select_from(StoredCopy).where(
            StoredCopy.deleted_at.is_(None))).scalar_one() == 0
        failed = session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == "dataset.upload_failed")).scalar_one()
        assert failed.details["reason"] == "too_large" and failed.outcome == "failure"
    assert _vault_objects(instance, datasets[0].id) == []


def test_clients_cannot_use_other_tenants_contracts(api: TestClient, instance: Instance) -> None:
    _setup(instance, Layout.CSV_MANIFEST)
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "rival")
        rival = create_token(tx, name="r", role=Role.CLIENT, tenant="rival").plaintext
    response = api.post("/v1/datasets", params={"contract": "csv-manifest"}, content=b"x",
                        headers={"Authorization": f"Bearer {rival}"})
    assert response.status_code == 404
    with instance.reading() as session:
        assert session.execute(select(func.count()).select_from(Dataset)).scalar_one() == 0


@pytest.mark.parametrize("layout", list(Layout))
def test_every_layout_over_http(any_instance: Instance, layout: Layout) -> None:
    token = _setup(any_instance, layout)
    auth = {"Authorization": f"Bearer {token}"}
    contract = layout.value.replace("_", "-")
    good = dataset_files(layout)
    bad = dict(good)
    rule = _break(layout, bad)
    with TestClient(create_app(any_instance)) as client:
        outcomes = {}
        for name, files in (("good", good), ("bad", bad)):
            created = client.post("/v1/datasets", params={"contract": contract},
                                  content=pack(files, "tar.gz"), headers=auth)
            assert created.status_code == 202, created.text
            dataset_id = created.json()["id"]
            outcomes[name] = (client.get(f"/v1/datasets/{dataset_id}", headers=auth).json(),
                              client.get(f"/v1/datasets/{dataset_id}/report",
                                         headers=auth).json())
    status, report = outcomes["good"]
    assert status["state"] == "ready" and report["errors"] == 0
    status, report = outcomes["bad"]
    assert status["state"] == "rejected" and rule in report["rules"]
    _assert_purged(any_instance, status["id"])


def test_a_rejection_is_recorded_as_a_failure(instance: Instance, tmp_path: Path) -> None:
    """Filtering the trail by outcome finds a rejected dataset (it was `success` before)."""
    _setup(instance, Layout.YOLO)
    files = dataset_files(Layout.YOLO)
    _break(Layout.YOLO, files)
    code, report = _upload_cli(tmp_path, Layout.YOLO, files, "tar")
    assert code == 1 and report["outcome"] == "rejected"
    listed = runner.invoke(app, ["audit", "events", "--outcome", "failure", "--json"])
    assert listed.exit_code == 0, listed.output
    failures = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(e["action"], e["dataset_id"]) for e in failures] == [
        ("dataset.rejected", report["dataset_id"])]
    successes = runner.invoke(app, ["audit", "events", "--outcome", "success", "--json"])
    assert "dataset.rejected" not in successes.stdout
