"""File and folder names: personal data out, references still resolving, distinct stays
distinct."""

from __future__ import annotations

import re

import pytest

from anonymize.dataset.names import split_extension
from anonymize.text import Detector
from tests.anonymize.dataset.conftest import Context, make_context

TAG = r"-[0-9a-f]{8}"


@pytest.mark.parametrize(("path", "pattern"), [
    ("images/张三_身份证.jpg", rf"images/张某{TAG}_身份证\.jpg"),
    ("images/李四.png", rf"images/李某{TAG}\.png"),
    ("images/13812345678.jpg", rf"images/138____5678{TAG}\.jpg"),  # '*' is not file-safe
    ("张三/img001.jpg", rf"张某{TAG}/img001\.jpg"),  # folders too
    # no-match rows: sequence and camera names, ordinary words, the contract's folders
    ("images/IMG_0001.jpg", r"images/IMG_0001\.jpg"),
    ("images/DSC01234.JPG", r"images/DSC01234\.JPG"),
    ("images/frame-000123.png", r"images/frame-000123\.png"),
    ("images/img002.jpg", r"images/img002\.jpg"),
    ("images/cat.jpg", r"images/cat\.jpg"),
    ("images/猫.jpg", r"images/猫\.jpg"),
])
def test_rename(context: Context, path: str, pattern: str) -> None:
    assert re.fullmatch(pattern, context.rewriting.namer.rename(path))


def test_same_name_same_result_and_distinct_names_stay_distinct(context: Context) -> None:
    namer = context.rewriting.namer
    a, b = namer.rename("images/张三.jpg"), namer.rename("images/张伟.jpg")
    assert a != b
    assert a.startswith("images/张某-") and b.startswith("images/张某-")
    assert namer.rename("images/张三.jpg") == a
    assert namer.rename("张三.jpg") == a.removeprefix("images/")  # a reference in a label


def test_windows_paths_inside_labels_keep_their_separators(context: Context) -> None:
    renamed = context.rewriting.namer.rename(r"C:\Users\张三\Desktop\a.jpg")
    assert re.fullmatch(rf"C:\\Users\\张某{TAG}\\Desktop\\a\.jpg", renamed)


def test_kept_prefix_and_fixed_names(pii_engine: Detector) -> None:
    context = make_context(pii_engine, fixed=frozenset({"张三"}))
    namer = context.rewriting.namer
    assert namer.rename("张三/李四.jpg").startswith("张三/李某-")
    assert namer.rename("王五/a.jpg", keep_prefix="王五/") == "王五/a.jpg"


def test_renaming_off(pii_engine: Detector) -> None:
    context = make_context(pii_engine, rename=False)
    assert context.rewriting.namer.rename("images/张三.jpg") == "images/张三.jpg"


def test_tags_depend_on_the_key(pii_engine: Detector) -> None:
    one = make_context(pii_engine).rewriting.namer.rename("张三.jpg")
    other = make_context(pii_engine, key=b"x" * 32).rewriting.namer.rename("张三.jpg")
    assert one != other


@pytest.mark.parametrize(("name", "parts"), [
    ("a.jpg", ("a", ".jpg")), ("a.b.tar", ("a.b", ".tar")), (".hidden", (".hidden", "")),
    ("noext", ("noext", "")), ("张三.身份证", ("张三.身份证", "")),
])
def test_split_extension(name: str, parts: tuple[str, str]) -> None:
    assert split_extension(name) == parts
