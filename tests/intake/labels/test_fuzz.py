"""Property-based: whatever the bytes, parsers report problems with known rule ids and never
raise."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.contract_format import ContractRules, LabelField
from intake.labels import LABEL_RULES, LabelRecord
from vocabulary import Layout

from . import samples
from .harness import contract, run

FIELDS = [LabelField(name="caption", free_text=True, required=True), LabelField(name="pose")]
ITEMS: list[samples.Item] = [
    ("images/a.jpg", "cat", {"caption": "张三的猫", "pose": "left"}),
    ("images/a.jpg", "dog", {"caption": "-3.5"}),
    ("images/sub/b.png", "cat", {"caption": "x, \"quoted\"\nline"}),
]
IMAGES = ["images/a.jpg", "images/sub/b.png", "images/c.jpg"]
CASES: dict[str, tuple[ContractRules, dict[str, bytes]]] = {
    "csv": (contract(Layout.CSV_MANIFEST, FIELDS, manifest="labels.csv"),
            samples.csv_manifest(ITEMS)),
    "jsonl": (contract(Layout.JSONL_MANIFEST, FIELDS, manifest="labels.jsonl"),
              samples.jsonl_manifest(ITEMS)),
    "coco": (contract(Layout.COCO, FIELDS, annotations="annotations.json",
                      images_dir="images"), samples.coco(ITEMS, images_dir="images")),
    "yolo": (contract(Layout.YOLO, images_dir="images", class_names="classes.txt"),
             samples.yolo(ITEMS)),
    "yolo-yaml": (contract(Layout.YOLO, images_dir="images", class_names="data.yaml"),
                  {**samples.yolo(ITEMS, class_names="unused.txt"),
                   "data.yaml": b"names:\n  0: cat\n  1: dog\n"}),
    "voc": (contract(Layout.VOC, FIELDS, images_dir="images", labels_dir="Annotations"),
            samples.voc(ITEMS, images_dir="images")),
}
# Bytes that matter to some format: quotes, brackets, separators, markup, encodings.
TOKENS = [b'"', b"'", b",", b"\t", b"\n", b"\r", b"[", b"]", b"{", b"}", b":", b"\\", b"<",
          b">", b"/", b"&", b"=", b"-", b"@", b"0", b"9", b".", b"e", b"nan", b" ", b"\x00",
          b"\xff", b"\xef\xbb\xbf", b"\xe4\xb8", b"<!DOCTYPE a [<!ENTITY e 'x'>]>", b"&e;",
          b"..", b"null", b"true", b"1e999", b"-1", b"\xc3("]
SETTINGS = settings(max_examples=500, deadline=None)


def _check(rules: ContractRules, files: Mapping[str, bytes]) -> None:
    records, problems = run(rules, files, IMAGES)
    assert {p.rule for p in problems.kept} <= LABEL_RULES
    assert problems.errors + problems.warnings == len(problems.kept)
    for record in records:
        assert isinstance(record, LabelRecord)
        assert all(isinstance(c, str) for c in record.classes)
        assert record.fields <= {f.name for f in rules.labels.fields}


@st.composite
def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["insert", "delete", "flip", "truncate", "repeat"]))
        if op == "insert":
            out[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=4))
        elif op == "delete":
            del out[at:at + draw(st.integers(1, 16))]
        elif op == "flip" and at < len(out):
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del out[at:]
        elif op == "repeat":
            out[at:at] = out[at:at + draw(st.integers(1, 8))] * draw(st.integers(2, 50))
    return bytes(out)


@pytest.mark.parametrize("case", CASES)
@SETTINGS
@given(data=st.data())
def test_mutated_valid_files(case: str, data: st.DataObject) -> None:
    rules, files = CASES[case]
    mutated = {path: data.draw(_mutated(content), label=path) if data.draw(st.booleans())
               else content for path, content in files.items()}
    _check(rules, mutated)


@pytest.mark.parametrize("case", CASES)
@SETTINGS
@given(data=st.data())
def test_random_bytes(case: str, data: st.DataObject) -> None:
    rules, files = CASES[case]
    _check(rules, {path: data.draw(st.binary(max_size=300), label=path) for path in files})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.sampled_from(["images/a.jpg", "cat", "=x", "../a", ""]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "image_id", "category_id", "file_name", "name",
                                       "bbox", "caption", "image", "label", "width", "x"]),
                      children, max_size=5),
    max_leaves=20)


@SETTINGS
@given(document=st.dictionaries(st.sampled_from(["images", "annotations", "categories"]),
                                _JSON | st.lists(_JSON, max_size=4), max_size=3))
def test_coco_structures(document: dict[str, object]) -> None:
    rules, _ = CASES["coco"]
    _check(rules, {"annotations.json": json.dumps(document).encode()})


@SETTINGS
@given(lines=st.lists(_JSON, max_size=5))
def test_jsonl_values(lines: list[object]) -> None:
    rules, _ = CASES["jsonl"]
    _check(rules, {"labels.jsonl": "\n".join(json.dumps(v) for v in lines).encode()})


@SETTINGS
@given(paths=st.lists(st.text(st.sampled_from("ab/.-张"), max_size=12), max_size=8))
def test_class_folder_paths(paths: list[str]) -> None:
    records, problems = run(contract(Layout.CLASS_FOLDERS, root="a"), {}, paths)
    assert {p.rule for p in problems.kept} <= LABEL_RULES
    assert all(r.image.startswith("a/") for r in records)
