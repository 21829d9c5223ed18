"""The anonymisation step on real instances: every layout, both modes, failures, the pool."""

from __future__ import annotations

import io
import json
import posixpath
import re
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from skimage import data as skimage_data
from sqlalchemy import select

from airlock.admin import new_tenant
from airlock.anonymisation import anonymise
from airlock.instance import Instance
from airlock.reports import contact_sheet, open_report
from airlock.retention_jobs import purger
from anonymize.dataset import AnonymisationError
from audit import SYSTEM, verify_chain
from catalog import (
    AnonymisationReportRecord,
    AuditEventRecord,
    CopyKind,
    DatasetState,
    Item,
    StoredCopy,
    get_dataset,
    live_copies,
    utcnow,
)
from catalog.errors import ConflictError
from intake import add_contract, receive_upload, validate_dataset
from retention import Cause
from tests.anonymize.dataset.copies import anonymised_tar, copy_bytes, members
from tests.intake.datasets import CONTRACTS, IMAGES_DIR, image, pack
from tests.intake.labels import samples
from vault import KeyUnavailableError
from vault.fields import ITEM_PATH
from vocabulary import Layout

PII = ("张三", "李四", "13800138", "wang.wu@example.com")
KEEP = "anonymisation: {{mode: {mode}, images: keep{more}}}\n"


def _contract(layout: Layout, mode: str, more: str = "") -> str:
    fields = "" if layout in (Layout.YOLO, Layout.CLASS_FOLDERS) else \
        "labels: {fields: [{name: caption, free_text: true}, {name: weather}]}\n"
    return (f"name: {layout.value.replace('_', '-')}\npurpose: training a pet classifier\n"
            f"{CONTRACTS[layout]}\nvolume: {{classes: [cat, dog], min_items: 2}}\n"
            f"{fields}{KEEP.format(mode=mode, more=more)}")


def _files(layout: Layout, count: int = 6) -> dict[str, bytes]:
    folder = IMAGES_DIR.get(layout, "images")
    names = ["张三_身份证", "李四", *[f"img{n:03d}" for n in range(2, count)]]
    items: list[samples.Item] = [
        (f"{folder}/{name}.jpg" if folder else f"{name}.jpg", ("cat", "dog")[n % 2],
         {"caption": f"张三的电话是138001380{n:02d}，邮箱wang.wu@example.com",
          "weather": "sunny"})
        for n, name in enumerate(names)]
    if layout is Layout.CLASS_FOLDERS:
        return {f"data/{p}": image(n) for n, p in enumerate(samples.class_folder_paths(items))}
    builders = {
        Layout.CSV_MANIFEST: samples.csv_manifest, Layout.JSONL_MANIFEST: samples.jsonl_manifest,
        Layout.COCO: lambda i: samples.coco(i, images_dir="images"), Layout.YOLO: samples.yolo,
        Layout.VOC: samples.voc}
    return {**{path: image(n) for n, (path, _, _) in enumerate(items)}, **builders[layout](items)}


def _validated(instance: Instance, layout: Layout, mode: str = "anonymise",
               files: dict[str, bytes] | None = None, more: str = "") -> str:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        contract, _ = add_contract(tx, "acme", _contract(layout, mode, more))
    dataset = receive_upload(instance.transactions(SYSTEM), instance.vault, contract,
                             io.BytesIO(pack(files or _files(layout), "tar")), 10**9)
    report = validate_dataset(instance.transactions(SYSTEM), instance.vault, dataset.id,
                              instance.validation_options())
    assert report.outcome == "accepted", report.problems
    return dataset.id


def _references(layout: Layout, files: dict[str, bytes]) -> set[str]:
    """The archive paths the anonymised labels point at."""
    if layout is Layout.CSV_MANIFEST:
        return {line.split(",")[0] for line in files["labels.csv"].decode().splitlines()[1:]}
    if layout is Layout.JSONL_MANIFEST:
        return {json.loads(line)["image"] for line in
                files["labels.jsonl"].decode().splitlines() if line}
    if layout is Layout.COCO:
        document = json.loads(files["annotations.json"])
        return {f"images/{i['file_name']}" for i in document["images"]}
    if layout is Layout.VOC:
        return {f"JPEGImages/{re.search(r'<filename>(.*)</filename>', v.decode())[1]}"  # type: ignore[index]
                for k, v in files.items() if k.endswith(".xml")}
    if layout is Layout.YOLO:
        return {"images/" + posixpath.basename(k)[:-4] + ".jpg" for k in files
                if k.startswith("labels/")}
    return {k for k in files if k.startswith("data/")}


@pytest.mark.parametrize("layout", list(Layout))
def test_every_layout(instance: Instance, layout: Layout) -> None:
    original = _files(layout)
    dataset_id = _validated(instance, layout)
    report = anonymise(instance, SYSTEM, dataset_id)
    archive = anonymised_tar(instance, dataset_id)
    out = members(archive)
    everything = "".join(out).encode() + b"".join(out.values())
    for value in PII:
        assert value.encode() not in everything, (layout, value)
    images = {k: v for k, v in out.items() if k.endswith(".jpg")}
    assert sorted(images.values()) == sorted(v for k, v in original.items() if k.endswith(".jpg"))
    assert _references(layout, out) == set(images)
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        assert (dataset.state, dataset.anonymisation_mode) == (DatasetState.READY, "anonymise")
        fields = instance.vault.field_cipher(session, dataset_id)
        paths = {fields.open(ITEM_PATH, p) for p in session.execute(
            select(Item.sealed_path).where(Item.dataset_id == dataset_id)).scalars()}
        assert paths == set(images)  # the catalog keeps no original file name
        stored = open_report(instance.vault, session, AnonymisationReportRecord, dataset_id)
        assert stored == report.model_dump(mode="json")
        assert verify_chain(session).intact
    assert report.items == 6 and report.paths_renamed == 2 and report.key_discarded
    assert report.mapping_copies == 0 == len(copy_bytes(instance, dataset_id, CopyKind.MAPPING))
    assert report.entities["PERSON"] >= 2
    if layout not in (Layout.YOLO, Layout.CLASS_FOLDERS):
        assert report.by_field["caption"]["PERSON"] == 6
        assert "weather" not in report.by_field  # a kept field is copied as it is
        assert b"sunny" in everything
    assert not any(value in json.dumps(report.model_dump(mode="json"), ensure_ascii=False)
                   for value in PII)


def test_deidentification_keeps_an_encrypted_mapping(instance: Instance) -> None:
    dataset_id = _validated(instance, Layout.CSV_MANIFEST, mode="deidentify")
    report = anonymise(instance, SYSTEM, dataset_id)
    parts = copy_bytes(instance, dataset_id, CopyKind.MAPPING)
    records = [json.loads(line) for part in parts for line in part.splitlines()]
    assert report.mapping_copies == len(parts) == 1
    assert report.mapping_records == len(records)
    paths = {r["original"]: r["anonymised"] for r in records if r["kind"] == "path"}
    assert set(paths) == {"images/张三_身份证.jpg", "images/李四.jpg"}
    values = [r for r in records if r["kind"] == "value"]
    assert {r["original"] for r in values} >= {"张三", "13800138002", "wang.wu@example.com"}
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).anonymisation_mode == "deidentify"
    for path in instance.settings.home.rglob("*"):  # encrypted at rest, like every copy
        if path.is_file():
            assert b"13800138002" not in path.read_bytes(), path


def test_consistent_pseudonyms_across_files(instance: Instance) -> None:
    """VOC: one label file per image; the same person gets the same pseudonym in each."""
    dataset_id = _validated(instance, Layout.VOC, more=", operators: {PERSON: pseudonym}")
    anonymise(instance, SYSTEM, dataset_id)
    out = members(anonymised_tar(instance, dataset_id))
    captions = {re.search(r"<caption>(.*?)的电话", v.decode())[1]  # type: ignore[index]
                for k, v in out.items() if k.endswith(".xml")}
    assert len(captions) == 1 and "张三" not in captions.pop()


def test_a_failure_leaves_the_dataset_validated_and_nothing_stored(instance: Instance) -> None:
    dataset_id = _validated(instance, Layout.CSV_MANIFEST, mode="deidentify")
    with instance.transaction(SYSTEM) as tx:  # an item its raw shard does not hold
        ghost = instance.vault.field_cipher(tx.session, dataset_id).seal(ITEM_PATH,
                                                                        "images/ghost.jpg")
        shard = tx.session.scalar(select(Item.shard).where(Item.dataset_id == dataset_id))
        tx.session.add(Item(dataset_id=dataset_id, sealed_path=ghost, sha256="0" * 64, size=1,
                            shard=shard))
    with pytest.raises(AnonymisationError, match="1 registered items are missing"):
        anonymise(instance, SYSTEM, dataset_id)
    with instance.reading() as session:
        assert get_dataset(session, dataset_id).state is DatasetState.VALIDATED
        events = session.execute(select(AuditEventRecord.action, AuditEventRecord.outcome)
                                 .where(AuditEventRecord.dataset_id == dataset_id)
                                 .order_by(AuditEventRecord.seq)).all()
        assert tuple(events[-1]) == ("dataset.anonymisation_failed", "failure")
    with instance.reading() as session:
        registered = {c.id for c in live_copies(session, dataset_id)}
        kinds = {c.kind for c in live_copies(session, dataset_id)}
    assert kinds == {CopyKind.RAW, CopyKind.RAW_SHARD}
    # the raw copy and its shards only: the partial outputs were removed
    assert set(instance.vault.list_objects(dataset_id)) == registered


def test_only_validated_datasets_and_contracts_that_allow_it(instance: Instance) -> None:
    dataset_id = _validated(instance, Layout.CSV_MANIFEST)
    anonymise(instance, SYSTEM, dataset_id)
    with pytest.raises(ConflictError, match="is ready; only validated datasets"):
        anonymise(instance, SYSTEM, dataset_id)


def _astronaut(seed: int) -> bytes:
    """A real face (scikit-image's bundled NASA portrait), with GPS and a maker's comment
    planted in its metadata."""
    portrait = skimage_data.astronaut()  # type: ignore[no-untyped-call]
    photo = Image.fromarray(portrait).resize((256 + seed, 256))
    exif = Image.Exif()
    exif[0x010E] = "AIRLOCK-CANARY description"  # ImageDescription
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 15.0)  # GPSLatitude
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif, comment=b"AIRLOCK-CANARY comment", quality=90)
    return out.getvalue()


def _face_detail(image_bytes: bytes) -> npt.NDArray[np.float32]:
    grey = np.asarray(Image.open(io.BytesIO(image_bytes)).convert("L"), np.float32)
    face = grey[28:90, 90:135]  # the face of the 256 px portrait
    return face - cv2.GaussianBlur(face, (0, 0), 1.5)


def test_images_are_redacted_in_the_anonymised_copy(instance: Instance) -> None:
    files = _files(Layout.CSV_MANIFEST)
    photos = {"images/李四.jpg": _astronaut(0), "images/img002.jpg": _astronaut(8)}
    files.update(photos)
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        contract, _ = add_contract(tx, "acme", _contract(Layout.CSV_MANIFEST, "anonymise")
                                   .replace("images: keep", "images: redact"))
    dataset = receive_upload(instance.transactions(SYSTEM), instance.vault, contract,
                             io.BytesIO(pack(files, "tar")), 10**9)
    validate_dataset(instance.transactions(SYSTEM), instance.vault, dataset.id,
                     instance.validation_options())
    report = anonymise(instance, SYSTEM, dataset.id)
    out = members(anonymised_tar(instance, dataset.id))
    images = {k: v for k, v in out.items() if k.endswith(".jpg")}
    assert len(images) == 6
    for data in images.values():
        assert b"AIRLOCK-CANARY" not in data and b"Exif" not in data
    redacted = [images[k] for k in images if "img002" in k or "李" in k or "某" in k]
    originals = list(photos.values())
    for before in originals:
        after = next(v for v in redacted if Image.open(io.BytesIO(v)).size
                     == Image.open(io.BytesIO(before)).size)
        a, b = _face_detail(before).ravel(), _face_detail(after).ravel()
        assert float(np.corrcoef(a, b)[0, 1]) < 0.3
    summary = report.images
    assert (summary.handling, summary.images, summary.flagged) == ("redacted", 6, 0)
    assert summary.faces == 2 and summary.metadata_stripped and summary.contact_sheet
    with instance.reading() as session:
        rows = session.execute(select(Item.faces, Item.redaction_flagged)
                               .where(Item.dataset_id == dataset.id)).all()
    assert sorted(f or 0 for f, _ in rows) == [0, 0, 0, 0, 1, 1]
    assert all(f is not None for f, _ in rows)
    assert not any(flagged for _, flagged in rows)
    sheet = contact_sheet(instance, dataset.id)
    assert sheet is not None and Image.open(io.BytesIO(sheet)).format == "JPEG"


def test_a_pool_of_worker_processes(instance: Instance, tmp_path: Path) -> None:
    instance.settings = instance.settings.model_copy(update={
        "anonymise_workers": 2, "anonymise_pool_min_items": 10})
    dataset_id = _validated(instance, Layout.JSONL_MANIFEST, files=_files(
        Layout.JSONL_MANIFEST, count=40))
    report = anonymise(instance, SYSTEM, dataset_id)
    out = members(anonymised_tar(instance, dataset_id))
    assert report.by_field["caption"]["PERSON"] == 40
    assert b"\xe5\xbc\xa0\xe4\xb8\x89" not in out["labels.jsonl"]  # 张三


def test_the_mapping_is_purged_with_the_dataset(instance: Instance) -> None:
    dataset_id = _validated(instance, Layout.CSV_MANIFEST, mode="deidentify")
    anonymise(instance, SYSTEM, dataset_id)
    assert len(copy_bytes(instance, dataset_id, CopyKind.MAPPING)) == 1
    certificate = purger(instance).purge(dataset_id, Cause.RETENTION, utcnow())
    with instance.reading() as session:
        copies = len(session.scalars(select(StoredCopy.id).where(
            StoredCopy.dataset_id == dataset_id)).all())
    # raw, its shards, the anonymised shards, the mapping
    assert sum(c.count for c in certificate.subject.copies) == copies > 3
    assert instance.vault.list_objects(dataset_id) == []
    with instance.reading() as session, pytest.raises(KeyUnavailableError):
        instance.vault.data_key(session, dataset_id)
