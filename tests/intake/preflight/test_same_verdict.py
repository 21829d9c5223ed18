"""The same dataset judged by pre-flight (its manifest) and by the full validation (its
archive, uploaded and validated for real) gets the same problems, but for those that need
the pixels; and a manifest's lies are caught by the full validation."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from airlock.admin import new_tenant
from airlock.instance import Instance
from audit import SYSTEM
from catalog import Contract
from intake import (
    ManifestBounds,
    PreflightOptions,
    ValidationReport,
    add_contract,
    preflight,
    receive_upload,
    validate_dataset,
)
from intake.preflight import NOT_IN_PREFLIGHT
from intake.unpack import UnpackLimits
from tests.intake.datasets import contract_yaml, dataset_files, image, pack
from tests.intake.labels import samples
from tests.intake.preflight.manifests import manifest
from vocabulary import Layout

BOUNDS = ManifestBounds(max_bytes=64 * 1024**2, max_line_bytes=16 * 1024**2,
                        max_entries=10_000)
Files = dict[str, bytes]


def _contract(instance: Instance, text: str) -> Contract:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        return add_contract(tx, "acme", text)[0]


def _full(instance: Instance, contract: Contract, files: Files,
          fmt: str = "zip") -> ValidationReport:
    transactions = instance.transactions(SYSTEM)
    dataset = receive_upload(transactions, instance.vault, contract,
                             io.BytesIO(pack(files, fmt)), 10**9)
    return validate_dataset(transactions, instance.vault, dataset.id,
                            instance.validation_options())


def _preflight(contract: Contract, files: Files,
               unsent: frozenset[str] = frozenset()) -> ValidationReport:
    return preflight(io.BytesIO(manifest(files, unsent=unsent)), contract,
                     PreflightOptions(UnpackLimits(), BOUNDS))


def _judged(report: ValidationReport, skip: frozenset[str]) -> list[tuple[object, ...]]:
    return [(p.rule, p.severity, p.file, p.line, p.json_path, p.field, p.message)
            for p in report.problems if p.rule not in skip]


def _compare(instance: Instance, text: str, files: Files,
             fmt: str = "zip") -> tuple[ValidationReport, ValidationReport]:
    contract = _contract(instance, text)
    early, full = _preflight(contract, files), _full(instance, contract, files, fmt)
    assert (early.kind, full.kind) == ("preflight", "full")
    assert set(early.not_checked) == NOT_IN_PREFLIGHT and full.not_checked == []
    judged, judged_full = _judged(early, NOT_IN_PREFLIGHT), _judged(full, NOT_IN_PREFLIGHT)
    if any(rule in NOT_IN_PREFLIGHT for rule in full.rules):
        # An image its pixels rejected is missing to its labels and to the volume.
        assert [p for p in judged_full if p in judged] == judged
        assert {p[0] for p in judged_full if p not in judged} <= CASCADE
    else:
        assert judged == judged_full
        assert early.rules == full.rules
        assert early.outcome == full.outcome
        assert early.summary == full.summary
    return early, full


CASCADE = frozenset({"label.missing_image", "volume.too_few_items", "volume.too_few_per_class"})


def _csv(items: list[samples.Item]) -> bytes:
    return samples.csv_manifest(items)["labels.csv"]


def _items(classes: tuple[str, ...] = ("cat", "dog") * 3) -> list[samples.Item]:
    return [(f"images/img{n:03d}.jpg", cls, {"caption": f"张三 {n}"})
            for n, cls in enumerate(classes)]


def _unknown_class(files: Files) -> None:
    files["labels.csv"] = _csv(_items(("cat", "dog", "bird", "cat", "dog", "bird")))


def _label_errors(files: Files) -> None:
    files["labels.csv"] += b",cat,no image\nimages/img001.jpg,dog,=HYPERLINK(1)\n" \
                           b"images/nowhere.jpg,cat,x\n../up.jpg,dog,x\n"


def _duplicate(files: Files) -> None:
    files["images/img005.jpg"] = files["images/img000.jpg"]


def _bad_names(files: Files) -> None:
    files.update({"../evil.jpg": image(40), "images/IMG000.jpg": image(41),
                  ".DS_Store": b"junk", "__MACOSX/images/._img000.jpg": b"junk",
                  "a\\b.jpg": image(42), "images/tab\there.jpg": image(43),
                  "README.md": b"read me", "images/extra.jpg": image(44)})


def _corrupt_image(files: Files) -> None:
    files["images/img003.jpg"] = b"\xff\xd8\xff" + b"truncated"


CSV = contract_yaml(Layout.CSV_MANIFEST)
CSV_CASES: dict[str, tuple[str, Callable[[Files], None]]] = {
    "unknown class": (CSV, _unknown_class),
    "label errors": (CSV, _label_errors),
    "duplicates refused": (CSV, _duplicate),
    "duplicates allowed": (CSV.replace("labels: {", "labels: {allow_duplicate_images: true, "),
                           _duplicate),
    "bad names": (CSV, _bad_names),
    "too many items": (CSV.replace("min_items: 2,", "min_items: 2, max_items: 4,"),
                       lambda files: None),
    "too few items": (CSV.replace("min_items: 2,", "min_items: 9,"), lambda files: None),
    "too few per class": (CSV.replace("min_items_per_class: 1", "min_items_per_class: 4"),
                          lambda files: None),
    "too many bytes": (CSV.replace("min_items: 2,", "min_items: 2, max_total_bytes: 2000,"),
                       lambda files: None),
    "pixels only": (CSV, _corrupt_image),
}


@pytest.mark.parametrize("fmt", ["zip", "tar"])
@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_datasets_get_the_same_verdict(instance: Instance, case: str, fmt: str) -> None:
    text, change = CSV_CASES[case]
    if case == "too many bytes" and fmt == "zip":
        pytest.skip("a zip declares every size up front, so its budget stops before any "
                    "entry; a manifest streams, as a tar does")
    files = dataset_files(Layout.CSV_MANIFEST)
    change(files)
    early, full = _compare(instance, text, files, fmt)
    if case != "pixels only":
        assert early.errors or early.warnings, "the case finds nothing: a test of nothing"
    if case == "pixels only":
        assert early.outcome == "accepted" and "image.corrupt_header" in full.rules
    if case == "bad names":
        assert {"unpack.path_traversal", "unpack.case_collision", "unpack.junk_ignored",
                "unpack.backslash_in_name", "unpack.invalid_name",
                "layout.unexpected_file"} <= set(early.rules)


def _break(layout: Layout, files: Files) -> str:
    if layout is Layout.CLASS_FOLDERS:
        files["data/stray.jpg"] = image(99)
        files["elsewhere/x.jpg"] = image(98)
        return "label.no_class"
    del files[next(p for p in sorted(files) if p.endswith("img002.jpg"))]
    return "label.missing_image"


@pytest.mark.parametrize("layout", list(Layout))
def test_every_layout_valid_and_broken(instance: Instance, layout: Layout) -> None:
    files = dataset_files(layout)
    contract = _contract(instance, contract_yaml(layout))
    valid = _preflight(contract, files)
    assert (valid.outcome, valid.errors, valid.summary.items) == ("accepted", 0, 6)
    assert valid.summary.classes == {"cat": 3, "dog": 3}
    rule = _break(layout, files)
    early, full = _preflight(contract, files), _full(instance, contract, files)
    assert _judged(early, NOT_IN_PREFLIGHT) == _judged(full, NOT_IN_PREFLIGHT)
    assert early.rules == full.rules and rule in early.rules
    assert early.summary == full.summary and early.outcome == full.outcome == "rejected"


def test_yolo_label_errors(instance: Instance) -> None:
    files = dataset_files(Layout.YOLO)
    files["labels/img000.txt"] = b"0 2.0 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\nnot a box\n"
    early, _ = _compare(instance, contract_yaml(Layout.YOLO), files)
    assert {"label.yolo_bad_box", "label.unknown_class_index"} <= set(early.rules)


def test_a_manifests_lies_are_caught_by_the_full_validation(instance: Instance) -> None:
    """Pre-flight takes the declared images on trust; the upload's bytes are judged again."""
    contract = _contract(instance, CSV)
    declared = dataset_files(Layout.CSV_MANIFEST)
    assert _preflight(contract, declared).outcome == "accepted"
    sent = {**declared, "images/img003.jpg": b"\xff\xd8\xff" + b"not a whole jpeg"}
    full = _full(instance, contract, sent)
    assert full.outcome == "rejected" and "image.corrupt_header" in full.rules


def test_a_label_without_content_is_not_judged(instance: Instance) -> None:
    contract = _contract(instance, CSV.replace("min_items_per_class: 1",
                                               "min_items_per_class: 4"))
    report = _preflight(contract, dataset_files(Layout.CSV_MANIFEST),
                        unsent=frozenset({"labels.csv"}))
    # Without the labels no image is labelled: that, and the classes' volume, is not judged.
    assert report.rules == {"preflight.label_not_sent": 1}
    assert {"label.unlabelled_image", "volume.too_few_per_class"} <= set(report.not_checked)
    assert report.outcome == "accepted"


def test_a_label_whose_content_lies_is_refused(instance: Instance) -> None:
    contract = _contract(instance, CSV)
    files = dataset_files(Layout.CSV_MANIFEST)
    lying = manifest(files).replace(b'"size": ' + str(len(files["labels.csv"])).encode(),
                                    b'"size": 1')
    report = preflight(io.BytesIO(lying), contract, PreflightOptions(UnpackLimits(), BOUNDS))
    assert report.rules["preflight.content_mismatch"] == 1
    assert report.problems[0].message.startswith("the content sent does not")
    assert "张三" not in report.model_dump_json()


def test_a_stored_report_without_kind_stays_valid() -> None:
    body = _report_body()
    del body["kind"], body["not_checked"]
    assert ValidationReport.model_validate(body).kind == "full"


def _report_body() -> dict[str, object]:
    return ValidationReport.model_validate({
        "dataset_id": "d", "contract_id": "c", "contract_name": "n", "contract_version": 1,
        "outcome": "accepted", "checked_at": "2026-01-01T00:00:00", "upload_bytes": 0,
        "upload_sha256": "0" * 64, "summary": {
            "archive_entries": 0, "images": 0, "items": 0, "image_bytes": 0, "label_files": 0,
            "labels": 0, "label_encodings": {}, "distinct_classes": 0, "classes": {}},
        "errors": 0, "warnings": 0, "rules": {}, "problems": [], "problems_not_listed": 0,
    }).model_dump(mode="json")
