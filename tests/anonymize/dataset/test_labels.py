"""Each layout's label files rewritten: free text anonymised, references renamed like the
files, structure and kept fields untouched, encodings kept."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from defusedxml.ElementTree import fromstring

from anonymize.dataset.labels import label_rewrite
from anonymize.dataset.labels.coco_labels import rewrite_coco
from anonymize.dataset.labels.csv_labels import rewrite_csv
from anonymize.dataset.labels.jsonl_labels import rewrite_jsonl
from anonymize.dataset.labels.voc_labels import rewrite_voc
from anonymize.dataset.plan import LabelPlan
from tests.anonymize.dataset.conftest import Context
from vocabulary import Layout

CSV_PLAN = LabelPlan(layout=Layout.CSV_MANIFEST, image_field="image", class_field="label",
                     manifest="labels.csv", free_text=frozenset({"caption"}),
                     kept=frozenset({"weather"}))
PII = ("张三", "13812345678", "李四", "John Smith", "zhang.san@example.com")


def _no_pii(text: str) -> None:
    for value in PII:
        assert value not in text


def test_csv(context: Context) -> None:
    data = ("image,label,caption,weather,notes\r\n"
            "images/张三.jpg,cat,张三的手机是13812345678,张三,联系人：李四\r\n"
            "images/img002.jpg,dog,,sunny,\r\n").encode()
    out = rewrite_csv(data, "labels.csv", "labels.csv", CSV_PLAN,
                      context.rewriting.batch("labels.csv")).decode()
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["image", "label", "caption", "weather", "notes"]
    assert rows[1][0] == context.rewriting.namer.rename("images/张三.jpg")
    assert rows[1][1:] == ["cat", "张某的手机是138****5678", "张三", "联系人：李某"]  # weather kept
    assert rows[2] == ["images/img002.jpg", "dog", "", "sunny", ""]
    assert "\r\n" in out
    by_field = context.rewriting.tally.by_field
    assert by_field["caption"] == {"PERSON": 1, "CN_PHONE": 1}
    assert by_field["(unlisted field)"] == {"PERSON": 1}  # the key itself is never echoed


def test_csv_keeps_gb18030(context: Context) -> None:
    data = "image,label,caption\nimages/a.jpg,cat,张三在北京\n".encode("gb18030")
    out = rewrite_csv(data, "labels.csv", "labels.csv", CSV_PLAN,
                      context.rewriting.batch("labels.csv"))
    assert "张某在北京" in out.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        out.decode("utf-8")


def test_csv_keeps_a_bom(context: Context) -> None:
    data = "\ufeffimage,label,caption\nimages/a.jpg,cat,李四\n".encode()
    out = rewrite_csv(data, "labels.csv", "labels.csv", CSV_PLAN,
                      context.rewriting.batch("labels.csv"))
    assert out.startswith("\ufeff".encode())
    assert "李某" in out.decode("utf-8-sig")


def test_jsonl(context: Context) -> None:
    plan = LabelPlan(layout=Layout.JSONL_MANIFEST, image_field="image", class_field="label",
                     manifest="labels.jsonl", free_text=frozenset({"caption"}))
    lines = [{"image": "images/李四.jpg", "label": "cat", "caption": "李四打电话给13812345678",
              "meta": {"people": ["张三", 3], "ok": True}},
             {"image": "images/img2.jpg", "label": ["cat", "dog"], "score": 0.5}]
    data = (json.dumps(lines[0], ensure_ascii=False) + "\n\n" +
            json.dumps(lines[1], ensure_ascii=False) + "\n").encode()
    out = rewrite_jsonl(data, "labels.jsonl", "labels.jsonl", plan,
                        context.rewriting.batch("labels.jsonl")).decode()
    first, blank, second, end = out.split("\n")
    assert (blank, end) == ("", "")
    row = json.loads(first)
    assert row["image"] == context.rewriting.namer.rename("images/李四.jpg")
    assert row["caption"] == "李某打电话给138****5678"
    assert row["meta"] == {"people": ["张某", 3], "ok": True}
    assert json.loads(second) == lines[1]


def test_coco(context: Context) -> None:
    plan = LabelPlan(layout=Layout.COCO, annotations="annotations.json",
                     free_text=frozenset({"caption"}))
    document = {
        "info": {"contributor": "John Smith", "year": 2024},
        "licenses": [{"id": 1, "name": "CC BY 4.0"}],
        "images": [{"id": "张三", "file_name": "张三.jpg", "width": 64, "height": 48,
                    "photographer": "李四"}],
        "annotations": [{"id": 1, "image_id": "张三", "category_id": 1, "bbox": [1, 2, 3, 4],
                         "caption": "张三 waves", "attributes": {"owner": "李四"}}],
        "categories": [{"id": 1, "name": "张三"}],
    }
    out = json.loads(rewrite_coco(json.dumps(document, ensure_ascii=False).encode(),
                                  "annotations.json", "annotations.json", plan,
                                  context.rewriting.batch("annotations.json")))
    image, annotation = out["images"][0], out["annotations"][0]
    assert image["file_name"] == context.rewriting.namer.rename("张三.jpg") != "张三.jpg"
    assert image["id"] == annotation["image_id"] == "张三"  # ids are structure, kept
    assert image["photographer"] == "李某"
    assert annotation["caption"].startswith("张某")
    assert annotation["attributes"] == {"owner": "李某"}
    assert annotation["bbox"] == [1, 2, 3, 4]
    assert out["categories"] == document["categories"]  # class names are the contract's
    assert out["licenses"] == document["licenses"]
    assert "John Smith" not in json.dumps(out["info"])


VOC = """<?xml version="1.0" encoding="{encoding}"?>
<annotation>
  <folder>张三的照片</folder>
  <filename>张三.jpg</filename>
  <path>C:\\Users\\张三\\Pictures\\张三.jpg</path>
  <source><database>Unknown</database></source>
  <owner><name>李四</name></owner>
  <!-- labelled by 张三, 13812345678 -->
  <caption>张三和李四</caption>
  <size><width>64</width><height>48</height><depth>3</depth></size>
  <object><name>person</name><pose>Unspecified</pose><difficult>0</difficult>
    <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>22</ymax></bndbox>
    <note>李四</note></object>
</annotation>
"""


@pytest.mark.parametrize("encoding", ["utf-8", "GBK"])
def test_voc(context: Context, encoding: str) -> None:
    plan = LabelPlan(layout=Layout.VOC, labels_dir="Annotations", free_text=frozenset({"caption"}))
    data = VOC.format(encoding=encoding).encode("gb18030" if encoding == "GBK" else "utf-8")
    out = rewrite_voc(data, "Annotations/张三.xml", "Annotations/x.xml", plan,
                      context.rewriting.batch("Annotations/张三.xml"))
    text = out.decode("gb18030" if encoding == "GBK" else "utf-8")
    _no_pii(text)
    assert text.startswith(f'<?xml version="1.0" encoding="{encoding}"?>')
    root = fromstring(text.split("\n", 1)[1])
    namer = context.rewriting.namer
    assert root.findtext("filename") == namer.rename("张三.jpg")
    assert re.fullmatch(r"C:\\Users\\张某-[0-9a-f]{8}\\Pictures\\张某-[0-9a-f]{8}\.jpg",
                        root.findtext("path") or "")
    assert root.findtext("owner/name") == "李某"
    assert root.findtext("caption") == "张某和李某"
    assert root.findtext("object/name") == "person"
    assert root.findtext("object/note") == "李某"
    assert root.findtext("object/bndbox/xmax") == "11"
    assert root.findtext("size/width") == "64"


def test_voc_refuses_a_dtd(context: Context) -> None:
    plan = LabelPlan(layout=Layout.VOC, labels_dir="Annotations")
    data = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><annotation>&x;</annotation>'
    with pytest.raises(Exception, match="DTD"):
        rewrite_voc(data, "Annotations/a.xml", "Annotations/a.xml", plan,
                    context.rewriting.batch("Annotations/a.xml"))


def test_mapping_records_both_offsets(context: Context) -> None:
    rewrite_csv("image,label,caption\nimages/a.jpg,cat,致电13812345678找张三\n".encode(),
                "labels.csv", "out.csv", CSV_PLAN, context.rewriting.batch("labels.csv"))
    context.rewriting.mapping.close()
    records = [json.loads(line) for part in context.parts for line in part.splitlines()]
    anonymised = "致电138****5678找张某"
    assert [r["type"] for r in records] == ["CN_PHONE", "PERSON"]
    for record in records:
        assert record["file"] == "out.csv"
        assert record["where"] == "row 1"
        assert "致电13812345678找张三"[record["start"]:record["end"]] == record["original"]
        assert anonymised[record["anonymised_start"]:record["anonymised_end"]] == \
            record["replacement"]


@pytest.mark.parametrize(("plan", "path", "expected"), [
    (CSV_PLAN, "labels.csv", rewrite_csv),
    (CSV_PLAN, "other.csv", None),
    (LabelPlan(layout=Layout.VOC, labels_dir="Annotations"), "Annotations/a/b.xml", rewrite_voc),
    (LabelPlan(layout=Layout.VOC, labels_dir="Annotations"), "JPEGImages/b.xml", None),
    (LabelPlan(layout=Layout.COCO, annotations="ann.json"), "ann.json", rewrite_coco),
    (LabelPlan(layout=Layout.CLASS_FOLDERS), "cat/a.jpg", None),
])
def test_which_files_are_labels(plan: LabelPlan, path: str, expected: object) -> None:
    assert label_rewrite(plan, path) is expected


def test_yolo_label_files_pass_unchanged(context: Context) -> None:
    plan = LabelPlan(layout=Layout.YOLO, labels_dir="labels", class_names="classes.txt")
    for path in ("labels/a.txt", "classes.txt"):
        rewrite = label_rewrite(plan, path)
        assert rewrite is not None
        assert rewrite(b"0 0.5 0.5 0.1 0.1\n", path, path, plan,
                       context.rewriting.batch(path)) == b"0 0.5 0.5 0.1 0.1\n"
