from __future__ import annotations

import pytest

from intake.labels import LabelLimits, LabelRecord
from vocabulary import Layout

from .harness import Where, assert_no_leak, contract, run, where
from .samples import Item, yolo

RULES = contract(Layout.YOLO, root="ds", images_dir="images", labels_dir="labels",
                 class_names="classes.txt")
NAMES = {"ds/classes.txt": b"plate\ncar\n"}
TXT = "ds/labels/train/a.txt"
IMAGES = {"ds/images/train/a.jpg", "ds/images/train/b.png"}


def _run(text: str, names: dict[str, bytes] = NAMES) -> tuple[list[LabelRecord], list[Where]]:
    records, problems = run(RULES, {TXT: text.encode(), **names}, IMAGES)
    return records, where(problems)


def test_valid_files() -> None:
    files = {"ds/labels/train/a.txt": b"0 0.5 0.5 0.2 0.1\n1 0.1 0.2 0.3 0.4\n",
             "ds/labels/train/b.txt": b"", "ds/labels/val/c.txt": b"1 0 0 1 1\n", **NAMES}
    records, problems = run(RULES, files, IMAGES)
    assert not problems.kept
    assert records == [
        LabelRecord("ds/images/train/a.jpg", ("plate", "car"), "ds/labels/train/a.txt"),
        LabelRecord("ds/images/train/b.png", (), "ds/labels/train/b.txt"),
        LabelRecord("ds/images/val/c", ("car",), "ds/labels/val/c.txt"),  # not in the upload
    ]


def test_sample_builder_round_trip() -> None:
    items: list[Item] = [("images/x/a.jpg", "plate", {}), ("images/x/a.jpg", "car", {}),
             ("images/b.jpg", "car", {})]
    files = {"ds/" + k: v for k, v in yolo(items).items()}
    records, problems = run(RULES, files, {"ds/images/x/a.jpg", "ds/images/b.jpg"})
    assert not problems.kept
    assert sorted((r.image, r.classes) for r in records) == [
        ("ds/images/b.jpg", ("car",)), ("ds/images/x/a.jpg", ("plate", "car"))]


@pytest.mark.parametrize(("text", "expected"), [
    ("0 0.5 0.5 0.2", [("label.malformed_row", TXT, 1, None, None)]),
    ("\n0", [("label.malformed_row", TXT, 2, None, None)]),
    ("0 0.5 0.5 1.2 0.2", [("label.yolo_bad_box", TXT, 1, None, None)]),
    ("0 -0.1 0.5 0.2 0.2", [("label.yolo_bad_box", TXT, 1, None, None)]),
    ("0 nan 0.5 0.2 0.2", [("label.yolo_bad_box", TXT, 1, None, None)]),
    ("0 inf 0.5 0.2 0.2", [("label.yolo_bad_box", TXT, 1, None, None)]),
    ("0 x 0.5 0.2 0.2", [("label.yolo_bad_box", TXT, 1, None, None)]),
    ("cat 0.5 0.5 0.2 0.2", [("label.unknown_class_index", TXT, 1, None, None)]),
    ("-1 0.5 0.5 0.2 0.2", [("label.unknown_class_index", TXT, 1, None, None)]),
    ("1.0 0.5 0.5 0.2 0.2", [("label.unknown_class_index", TXT, 1, None, None)]),
    ("9" * 5000 + " 0.5 0.5 0.2 0.2", [("label.unknown_class_index", TXT, 1, None, None)]),
    ("0 0.5 0.5 0.2 0.2\n2 0.5 0.5 0.2 0.2",
     [("label.unknown_class_index", TXT, 2, None, None)]),
    # no-match rows
    ("", []),
    ("\n\n  \n", []),
    ("0 0.5 0.5 0.2 0.2\r\n1 1 1 1 1\r\n", []),
    ("0 0.1 0.1 0.9 0.1 0.9 0.9 0.1 0.9", []),  # a segmentation polygon
    ("1 5e-1 .5 0.2 1.0", []),
], ids=lambda v: None if isinstance(v, str) else "")
def test_problems(text: str, expected: list[Where]) -> None:
    assert _run(text)[1] == expected


@pytest.mark.parametrize(("names", "classes"), [
    ({"ds/classes.txt": b"plate\n\ncar\n"}, ("plate", "car")),
    ({"ds/classes.txt": "车牌\n汽车\n".encode("gb18030")}, ("车牌", "汽车")),
])
def test_class_names_files(names: dict[str, bytes], classes: tuple[str, ...]) -> None:
    records, problems = _run("0 .5 .5 .5 .5\n1 .5 .5 .5 .5\n", names)
    assert problems == []
    assert records[0].classes == classes


@pytest.mark.parametrize(("yaml", "expected"), [
    ("names: [plate, car]\n", ("plate", "car")),
    ("path: .\nnames:\n  0: plate\n  1: car\n", ("plate", "car")),
    ("names: {1: car, 0: plate}\n", ("plate", "car")),
    ("names: {0: plate, 2: car}\n", None),  # a gap
    ("names: [plate, 3]\n", None),
    ("names: []\n", None),
    ("nc: 2\n", None),
    ("- plate\n- car\n", None),
    ("names: [plate, car\n", None),
    ("names: " + "[" * 10_000, None),
    ("a: &a [x]\nnames: *a\n", ("x", None)),
])
def test_data_yaml(yaml: str, expected: tuple[str | None, ...] | None) -> None:
    rules = contract(Layout.YOLO, images_dir="images", class_names="data.yaml")
    records, problems = run(rules, {"labels/a.txt": b"0 .5 .5 .5 .5\n1 .5 .5 .5 .5\n",
                                    "data.yaml": yaml.encode()}, {"images/a.jpg"})
    if expected is None:
        assert where(problems) == [("label.bad_class_names", "data.yaml", None, None, None)]
        assert records[0].classes == ()
    elif None in expected:
        assert where(problems) == [("label.unknown_class_index", "labels/a.txt", 2, None, None)]
        assert records[0].classes == ("x",)
    else:
        assert not problems.kept
        assert records[0].classes == expected


def test_class_names_missing() -> None:
    records, problems = _run("0 .5 .5 .5 .5\n", names={})
    assert problems == [("label.no_class_names", "ds/classes.txt", None, None, None)]
    assert records[0].classes == ()
    rules = contract(Layout.YOLO)
    _, problems2 = run(rules, {"labels/a.txt": b"0 .5 .5 .5 .5\n"})
    assert where(problems2) == [("label.no_class_names", None, None, None, None)]


def test_names_file_inside_labels_dir_is_not_a_label() -> None:
    rules = contract(Layout.YOLO, images_dir="images", class_names="labels/classes.txt")
    records, problems = run(rules, {"labels/classes.txt": b"plate\n",
                                    "labels/a.txt": b"0 .5 .5 .5 .5\n"}, {"images/a.jpg"})
    assert not problems.kept
    assert records == [LabelRecord("images/a.jpg", ("plate",), "labels/a.txt")]


def test_wants() -> None:
    from intake.labels import build_parser
    parser = build_parser(RULES)
    assert parser.wants("ds/labels/a.txt")
    assert parser.wants("ds/labels/deep/er/a.txt")
    assert parser.wants("ds/classes.txt")
    assert not parser.wants("ds/labels/a.jpg")
    assert not parser.wants("ds/images/a.txt")
    assert not parser.wants("ds/labelsx/a.txt")


def test_images_anywhere_when_no_images_dir() -> None:
    rules = contract(Layout.YOLO, class_names="classes.txt")
    files = {"labels/train/a.txt": b"", "labels/train/b.txt": b"", "labels/c.txt": b"",
             "classes.txt": b"x\n"}
    records, _ = run(rules, files, {"images/train/a.jpg", "train/b.png", "other/train/b.jpg",
                                    "c.jpeg"})
    assert [r.image for r in records] == ["c.jpeg", "images/train/a.jpg", "train/b.png"]


def test_limits() -> None:
    records, problems = run(RULES, {TXT: b"0 .5 .5 .5 .5\n" * 10, **NAMES}, IMAGES,
                            LabelLimits(max_small_file_bytes=50))
    assert records == []
    assert where(problems) == [("label.too_large", TXT, None, None, None)]


HOSTILE = ["张三", "13812345678", "HYPERLINK", "http://x"]


def test_values_never_reach_problems() -> None:
    files = {TXT: "张三 13812345678 .5 .5 .5\n13812345678 .5 .5 .5 .5\n0 张三 1 1 1\n"
                  '=HYPERLINK("http://x")\n'.encode(),
             "ds/labels/b.txt": "张三".encode("utf-16"),
             "ds/classes.txt": '张三\n=HYPERLINK("http://x")\n'.encode()}
    records, problems = run(RULES, files, IMAGES)
    assert len({p.rule for p in problems.kept}) == 4
    assert_no_leak(problems, records, HOSTILE)
