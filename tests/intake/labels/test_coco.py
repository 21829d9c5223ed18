from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from intake.contract_format import LabelField
from intake.labels import LabelLimits, LabelRecord
from vocabulary import Layout

from .harness import Where, assert_no_leak, contract, run, where
from .samples import coco

RULES = contract(Layout.COCO, [LabelField(name="caption", free_text=True)],
                 root="ds", annotations="annotations/instances.json", images_dir="images")
PATH = "ds/annotations/instances.json"
IMAGES = {"ds/images/a.jpg", "ds/images/sub/b.png"}
BASE: dict[str, Any] = {
    "images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48},
               {"id": 2, "file_name": "sub/b.png"}],
    "annotations": [{"id": 10, "image_id": 1, "category_id": 7, "bbox": [0, 0, 5, 5],
                     "caption": "a cat"},
                    {"id": 11, "image_id": 1, "category_id": 8, "bbox": [1.5, 2, 0, 3]}],
    "categories": [{"id": 7, "name": "cat"}, {"id": 8, "name": "dog"}],
}


def _run(document: object, images: set[str] = IMAGES,
         limits: LabelLimits | None = None) -> tuple[list[LabelRecord], list[Where]]:
    records, problems = run(RULES, {PATH: json.dumps(document).encode()}, images, limits)
    return records, where(problems)


def test_valid_document() -> None:
    records, problems = _run(BASE)
    assert problems == []
    assert records == [
        LabelRecord("ds/images/a.jpg", ("cat", "dog"), PATH, None, "$.images[0]",
                    frozenset({"caption"})),
        LabelRecord("ds/images/sub/b.png", (), PATH, None, "$.images[1]", frozenset()),
    ]


def test_sample_builder_round_trip() -> None:
    items = [("images/a.jpg", "car", {"caption": "红色的车"}), ("images/a.jpg", "bus", {}),
             ("images/c.jpg", "car", {})]
    files = coco(items, annotations="annotations/instances.json", images_dir="images")
    records, problems = run(RULES, {"ds/" + k: v for k, v in files.items()},
                            {"ds/images/a.jpg", "ds/images/c.jpg"})
    assert not problems.kept
    assert [(r.image, r.classes, r.fields) for r in records] == [
        ("ds/images/a.jpg", ("car", "bus"), frozenset({"caption"})),
        ("ds/images/c.jpg", ("car",), frozenset())]


def test_captions_without_categories() -> None:
    document = {"images": [{"id": 1, "file_name": "a.jpg"}],
                "annotations": [{"id": 1, "image_id": 1, "caption": "x"}]}
    records, problems = _run(document)
    assert problems == []
    assert records[0].classes == ()
    assert records[0].fields == {"caption"}


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


_DELETE = object()


# Annotations of an image whose id is unreadable point nowhere.
ORPHANS = (("label.unknown_image_id", "$.annotations[0].image_id"),
           ("label.unknown_image_id", "$.annotations[1].image_id"))


S = "label.coco_structure"


@pytest.mark.parametrize(("change", "expected"), [
    (_set("images", {}), [(S, "$.images")]),  # the annotations are not checked then
    (_set("images", _DELETE), [(S, "$.images")]),
    (_set("annotations", "x"), [(S, "$.annotations")]),
    (_set("annotations.0", 5), [(S, "$.annotations[0]")]),
    (_set("images.0.id", _DELETE), [(S, "$.images[0].id"), *ORPHANS]),
    (_set("images.0.id", True), [(S, "$.images[0].id"), *ORPHANS]),
    (_set("images.0.width", -1), [(S, "$.images[0].width")]),
    (_set("images.1.height", "48"), [(S, "$.images[1].height")]),
    (_set("images.1.id", 1), [("label.duplicate_id", "$.images[1].id")]),
    (_set("images.1.file_name", "../b.png"),
     [("label.bad_image_path", "$.images[1].file_name")]),
    (_set("images.1.file_name", None), [("label.bad_image_path", "$.images[1].file_name")]),
    (_set("categories.1.id", 7), [("label.duplicate_id", "$.categories[1].id"),
                                  ("label.unknown_category", "$.annotations[1].category_id")]),
    (_set("categories.0.name", ""), [(S, "$.categories[0].name"),
                                     ("label.unknown_category", "$.annotations[0].category_id")]),
    (_set("categories.0.id", [7]), [(S, "$.categories[0].id"),
                                    ("label.unknown_category", "$.annotations[0].category_id")]),
    (_set("annotations.1.image_id", 99),
     [("label.unknown_image_id", "$.annotations[1].image_id")]),
    (_set("annotations.1.image_id", "1"),
     [("label.unknown_image_id", "$.annotations[1].image_id")]),
    (_set("annotations.1.image_id", 1.0), [(S, "$.annotations[1].image_id")]),
    (_set("annotations.1.category_id", 99),
     [("label.unknown_category", "$.annotations[1].category_id")]),
    (_set("annotations.1.category_id", None),
     [("label.unknown_category", "$.annotations[1].category_id")]),
    (_set("annotations.1.bbox", [0, 0, -1, 2]), [(S, "$.annotations[1].bbox")]),
    (_set("annotations.1.bbox", [0, 0, 1]), [(S, "$.annotations[1].bbox")]),
    (_set("annotations.1.bbox", [0, 0, "1", 2]), [(S, "$.annotations[1].bbox")]),
    (_set("annotations.0.caption", "=1+1"), [("label.formula_injection", "$.annotations[0]")]),
    (_set("images.1.caption", "@x"), [("label.formula_injection", "$.images[1]")]),
], ids=lambda v: None if isinstance(v, list) else "")
def test_structure_problems(change: Callable[[dict[str, Any]], None],
                            expected: list[tuple[str, str]]) -> None:
    document = copy.deepcopy(BASE)
    change(document)
    _, problems = _run(document)
    assert [(rule, json_path) for rule, _, _, json_path, _ in problems] == expected
    assert all(file == PATH for _, file, _, _, _ in problems)


def _drop_categories(document: dict[str, Any]) -> None:
    del document["categories"]
    for annotation in document["annotations"]:
        del annotation["category_id"]


def _string_ids(document: dict[str, Any]) -> None:
    document["images"][0]["id"] = "img-1"
    for annotation in document["annotations"]:
        annotation["image_id"] = "img-1"


@pytest.mark.parametrize("change", [
    _set("annotations", _DELETE),
    _drop_categories,
    _set("annotations.1.bbox", [0, 0, 10**400, 1]),  # huge but finite
    _set("annotations.1.bbox", _DELETE),
    _set("annotations.0.caption", "-3.5"),
    _string_ids,
])
def test_no_match(change: Callable[[dict[str, Any]], None]) -> None:
    document = copy.deepcopy(BASE)
    change(document)
    assert _run(document)[1] == []


@pytest.mark.parametrize(("data", "rule", "json_path"), [
    (b"[1]", "label.coco_structure", "$"),
    (b'{"images": [', "label.malformed_json", None),
    (b"[" * 100_000, "label.json_too_deep", None),
    ('{"images": []}'.encode("utf-16"), "label.encoding", None),
])
def test_unreadable(data: bytes, rule: str, json_path: str | None) -> None:
    records, problems = run(RULES, {PATH: data}, IMAGES)
    assert records == []
    assert where(problems) == [(rule, PATH, None, json_path, None)]


def test_unresolved_image_keeps_the_written_path() -> None:
    records, problems = _run(BASE, images={"ds/images/a.jpg"})
    assert problems == []
    assert records[1].image == "ds/images/sub/b.png"


def test_images_anywhere_when_no_images_dir() -> None:
    rules = contract(Layout.COCO, annotations="coco.json")
    document = {"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}]}
    records, _ = run(rules, {"coco.json": json.dumps(document).encode()},
                     {"train2017/a.jpg", "x/b.jpg", "y/b.jpg"})
    assert [r.image for r in records] == ["train2017/a.jpg", "b.jpg"]  # b.jpg is ambiguous


def test_required_fields_per_image() -> None:
    rules = contract(Layout.COCO, [LabelField(name="caption", required=True)],
                     root="ds", annotations="annotations/instances.json", images_dir="images")
    _, problems = run(rules, {PATH: json.dumps(BASE).encode()}, IMAGES)
    assert where(problems) == [("label.missing_field", PATH, None, "$.images[1]", "caption")]


def test_limits_and_absence() -> None:
    assert _run(BASE, limits=LabelLimits(max_manifest_bytes=100))[1] == [
        ("label.too_large", PATH, None, None, None)]
    assert where(run(RULES, {}, IMAGES)[1]) == [("label.missing_file", PATH, None, None, None)]


HOSTILE = ["张三", "13812345678", "HYPERLINK", "http://x"]


def test_values_never_reach_problems() -> None:
    document = copy.deepcopy(BASE)
    document["images"].append({"id": "张三 13812345678", "file_name": "/张三/13812345678.jpg"})
    document["images"].append({"id": 1, "file_name": "张三.jpg", "width": "13812345678"})
    document["annotations"].append({"image_id": "13812345678", "category_id": 7})
    document["annotations"].append({"image_id": 1, "category_id": "张三",
                                    "caption": '=HYPERLINK("http://x")', "bbox": ["张三"]})
    document["categories"].append({"id": "13812345678", "name": {"张三": 1}})
    records, problems = run(RULES, {PATH: json.dumps(document, ensure_ascii=False).encode()},
                            IMAGES)
    assert len({p.rule for p in problems.kept}) == 6
    assert_no_leak(problems, records, HOSTILE)
