"""The hostile corpus, end to end through the HTTP API: each upload gives its precise
problem, and a rejected upload leaves nothing behind: no object or item at once, and no
key once the sweep has purged it (once the report was kept
AIRLOCK_REJECTED_REPORT_SECONDS)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from airlock.admin import create_token, new_tenant
from airlock.api.app import create_app
from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM
from catalog import DataKeyRecord, Dataset, DatasetState, Item, Role, StoredCopy
from intake import add_contract
from tests.intake.datasets import contract_yaml, dataset_files, pack
from tests.intake.test_images import png_header
from tests.intake.unpack.hostile import HOSTILE_ARCHIVES, HOSTILE_FILES
from vocabulary import Layout


@pytest.fixture
def upload(instance: Instance) -> Iterator[Callable[[bytes, str], dict[str, object]]]:
    """Uploads a body against a contract of the given layout; returns the report."""
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        for layout in Layout:
            add_contract(tx, "acme", contract_yaml(layout))
        add_contract(tx, "acme", contract_yaml(Layout.CLASS_FOLDERS, "top-level").replace(
            "root: data", "root: ''"))
        add_contract(tx, "acme", contract_yaml(Layout.CLASS_FOLDERS, "images-kept",
                                               "anonymisation: {images: keep}\n"))
        token = create_token(tx, name="c", role=Role.CLIENT, tenant="acme").plaintext
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(instance)) as client:
        def send(body: bytes, contract: str) -> dict[str, object]:
            created = client.post("/v1/datasets", params={"contract": contract}, content=body,
                                  headers=auth)
            assert created.status_code == 202, created.text
            report = client.get(f"/v1/datasets/{created.json()['id']}/report", headers=auth)
            assert report.status_code == 200
            body_json: dict[str, object] = report.json()
            return body_json
        yield send


def _left_behind(instance: Instance, dataset_id: str) -> list[str]:
    """What a rejection left once the sweep purged it (the key stays until then, only to
    open the sealed report)."""
    kept = timedelta(seconds=instance.settings.rejected_report_seconds + 1)
    sweep = sweeper(instance, lambda: datetime.now(UTC) + kept)
    assert [e.dataset_id for e in sweep.run().entries] == [dataset_id]
    with instance.reading() as session:
        dataset = session.get(Dataset, dataset_id)
        key = session.get(DataKeyRecord, dataset_id)
        live = session.execute(select(func.count()).select_from(StoredCopy).where(
            StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None))).scalar_one()
        items = session.execute(select(func.count()).select_from(Item).where(
            Item.dataset_id == dataset_id)).scalar_one()
    assert dataset is not None and dataset.state is DatasetState.PURGED
    left = instance.vault.list_objects(dataset_id)
    if key is None or key.wrapped is not None:
        left.append("data key")
    return left + ["copy"] * live + ["item"] * items


@pytest.mark.parametrize("case", sorted(HOSTILE_ARCHIVES))
def test_hostile_archives(upload: Callable[[bytes, str], dict[str, object]],
                          instance: Instance, case: str) -> None:
    build, rule = HOSTILE_ARCHIVES[case]
    report = upload(build(), "top-level")
    assert rule in report["rules"]  # type: ignore[operator]
    problems = [p for p in report["problems"] if p["rule"] == rule]  # type: ignore[attr-defined]
    if case in HOSTILE_FILES:
        assert HOSTILE_FILES[case] in {p["file"] for p in problems}
    if report["outcome"] == "rejected":
        assert _left_behind(instance, str(report["dataset_id"])) == []


def _csv_dataset(manifest: bytes) -> bytes:
    files = dataset_files(Layout.CSV_MANIFEST)
    files["labels.csv"] = manifest
    return pack(files, "zip")


def _csv_text(rows: list[str]) -> str:
    return "image,label,caption\n" + "".join(
        f"images/img{n:03d}.jpg,{'cat' if n % 2 == 0 else 'dog'},{caption}\n"
        for n, caption in enumerate(rows))


CAPTIONS = [f"张三的猫 {n}" for n in range(6)]


def _noisy_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(buffer, "JPEG", quality=95)
    assert len(buffer.getvalue()) > 40_000
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "body", "contract", "outcome", "rule"), [
    ("truncated JPEG",
     pack({**dataset_files(Layout.CLASS_FOLDERS), "data/cat/cut.jpg": _noisy_jpeg()[:20_000]}),
     "class-folders", "rejected", "image.corrupt"),
    ("PNG declaring 100k x 100k",
     pack({**dataset_files(Layout.CLASS_FOLDERS), "data/cat/bomb.png": png_header(100_000,
                                                                                  100_000)}),
     "class-folders", "rejected", "image.too_many_pixels"),
    ("not an image with an image name",
     pack({**dataset_files(Layout.CLASS_FOLDERS), "data/cat/fake.jpg": b"MZ\x90\x00" * 50}),
     "class-folders", "rejected", "image.unknown_type"),
    ("GB18030 CSV", _csv_dataset(_csv_text(CAPTIONS).encode("gb18030")),
     "csv-manifest", "accepted", None),
    ("UTF-8 CSV with BOM", _csv_dataset(codecs.BOM_UTF8 + _csv_text(CAPTIONS).encode()),
     "csv-manifest", "accepted", None),
    ("UTF-16 CSV", _csv_dataset(_csv_text(CAPTIONS).encode("utf-16")),
     "csv-manifest", "rejected", "label.encoding"),
    ("formula cells", _csv_dataset(_csv_text(['=HYPERLINK("http://evil")', "@SUM(1)",
                                              *CAPTIONS[2:]]).encode()),
     "csv-manifest", "rejected", "label.formula_injection"),
    ("JSON nested 100k deep",
     pack({**dataset_files(Layout.COCO), "annotations.json": b"[" * 100_000}),
     "coco", "rejected", "label.json_too_deep"),
    ("XML entity expansion",
     pack({**dataset_files(Layout.VOC), "Annotations/img000.xml":
           b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">'
           b'<!ENTITY y "&x;&x;&x;&x;&x;">]><annotation>&y;</annotation>'}),
     "voc", "rejected", "label.xml_unsafe"),
])
def test_hostile_content(upload: Callable[[bytes, str], dict[str, object]], instance: Instance,
                         name: str, body: bytes, contract: str, outcome: str,
                         rule: str | None) -> None:
    report = upload(body, contract)
    assert report["outcome"] == outcome, (name, report["problems"])
    if rule is not None:
        assert rule in report["rules"]  # type: ignore[operator]
    if outcome == "rejected":
        assert _left_behind(instance, str(report["dataset_id"])) == []
    serialized = str(report)
    assert "张三" not in serialized and "HYPERLINK" not in serialized


def _tiny_png(n: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (n % 256, n // 256 % 256, 7)).save(buffer, "PNG")
    return buffer.getvalue()


def test_ten_thousand_tiny_files(upload: Callable[[bytes, str], dict[str, object]]) -> None:
    """Ten thousand members are unpacked, validated and counted. The images are kept
    unredacted by contract: the face and text detectors on 10,000 flat 2x2 squares find
    nothing and took three quarters of the time, and the validation report is what is checked."""
    files = {f"data/{'cat' if n % 2 else 'dog'}/{n:05d}.png": _tiny_png(n)
             for n in range(10_000)}
    report = upload(pack(files, "tar.gz"), "images-kept")
    assert report["outcome"] == "accepted", report["problems"]
    assert report["summary"]["items"] == 10_000  # type: ignore[index]
