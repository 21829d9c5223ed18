from __future__ import annotations

import pytest

from intake.labels import LabelRecord, build_parser
from vocabulary import Layout

from .harness import contract, run, where
from .samples import class_folder_paths

RULES = contract(Layout.CLASS_FOLDERS, root="dataset")


def test_class_is_the_first_folder_below_the_root() -> None:
    images = ["dataset/glasses/a.jpg", "dataset/no-glasses/2024/b.png", "elsewhere/x/c.jpg"]
    records, problems = run(RULES, {}, images)
    assert not problems.kept
    assert records == [
        LabelRecord("dataset/glasses/a.jpg", ("glasses",), "dataset/glasses/a.jpg"),
        LabelRecord("dataset/no-glasses/2024/b.png", ("no-glasses",),
                    "dataset/no-glasses/2024/b.png"),
    ]


def test_image_in_the_root_has_no_class() -> None:
    records, problems = run(RULES, {}, ["dataset/张三 13812345678.jpg"])
    assert records == []
    assert where(problems) == [("label.no_class", "dataset/张三 13812345678.jpg", None, None,
                                None)]


def test_no_root() -> None:
    records, problems = run(contract(Layout.CLASS_FOLDERS), {}, ["cat/a.jpg", "b.jpg"])
    assert [r.classes for r in records] == [("cat",)]
    assert [p.rule for p in problems.kept] == ["label.no_class"]


@pytest.mark.parametrize("path", ["dataset/a/b.jpg", "dataset/labels.csv", "x.txt", ""])
def test_wants_nothing(path: str) -> None:
    assert not build_parser(RULES).wants(path)


def test_sample_paths() -> None:
    paths = class_folder_paths([("raw/1.jpg", "glasses", {}), ("2.jpg", "no-glasses", {})])
    records, _ = run(RULES, {}, ["dataset/" + p for p in paths])
    assert [r.classes for r in records] == [("glasses",), ("no-glasses",)]

