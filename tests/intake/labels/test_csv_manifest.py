from __future__ import annotations

import pytest

from intake.contract_format import LabelField
from intake.labels import LabelLimits, LabelRecord
from vocabulary import Layout

from .harness import Where, assert_no_leak, contract, run, where
from .samples import csv_manifest

FIELDS = [LabelField(name="caption", free_text=True, required=True),
          LabelField(name="weather")]
RULES = contract(Layout.CSV_MANIFEST, FIELDS, root="ds", manifest="labels.csv")
PATH = "ds/labels.csv"


def _run(text: str, limits: LabelLimits | None = None) -> list[Where]:
    return where(run(RULES, {PATH: text.encode()}, limits=limits)[1])


def test_valid_manifest() -> None:
    files = csv_manifest([("img/a.jpg", "cat", {"caption": "a cat", "weather": "sun"}),
                          ("img/b.jpg", "dog", {"caption": "a dog"})])
    records, problems = run(RULES, {"ds/" + k: v for k, v in files.items()})
    assert not problems.kept
    assert records == [
        LabelRecord("ds/img/a.jpg", ("cat",), PATH, 2, None, frozenset({"caption", "weather"})),
        LabelRecord("ds/img/b.jpg", ("dog",), PATH, 3, None, frozenset({"caption"})),
    ]


def test_quoted_newlines_keep_physical_line_numbers() -> None:
    text = 'image,label,caption\na.jpg,cat,"two\nlines"\nb.jpg,,x\n'
    records, problems = run(RULES, {PATH: text.encode()})
    assert [r.line for r in records] == [2, 4]
    assert where(problems) == [("label.no_class", PATH, 4, None, "label")]


def test_tsv_by_extension() -> None:
    rules = contract(Layout.CSV_MANIFEST, manifest="labels.tsv")
    records, problems = run(rules, {"labels.tsv": b"image\tlabel\na.jpg\tcat\n"})
    assert not problems.kept
    assert [(r.image, r.classes) for r in records] == [("a.jpg", ("cat",))]


HEADER = "image,label,caption,weather\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("label,caption\ncat,x\n", [("label.missing_column", PATH, 1, None, "image")]),
    ("image,caption\na.jpg,x\n", [("label.missing_column", PATH, 1, None, "label")]),
    ("image,label\na.jpg,cat\n", [("label.missing_column", PATH, 1, None, "caption")]),
    ("image,label,caption,caption\na.jpg,cat,x,y\n",
     [("label.duplicate_column", PATH, 1, None, "caption")]),
    ("", [("label.missing_header", PATH, 1, None, None)]),
    ("\n\n", [("label.missing_header", PATH, 1, None, None)]),
    (HEADER + "../a.jpg,cat,x,\n", [("label.bad_image_path", PATH, 2, None, "image")]),
    (HEADER + "/etc/a.jpg,cat,x,\n", [("label.bad_image_path", PATH, 2, None, "image")]),
    (HEADER + "C:/a.jpg,cat,x,\n", [("label.bad_image_path", PATH, 2, None, "image")]),
    (HEADER + "a\\b.jpg,cat,x,\n", [("label.bad_image_path", PATH, 2, None, "image")]),
    (HEADER + ",cat,x,\n", [("label.missing_field", PATH, 2, None, "image")]),
    (HEADER + "a.jpg, ,x,\n", [("label.no_class", PATH, 2, None, "label")]),
    (HEADER + "a.jpg,cat,,\n", [("label.missing_field", PATH, 2, None, "caption")]),
    (HEADER + "a.jpg,cat,x\n", [("label.malformed_row", PATH, 2, None, None)]),
    (HEADER + "a.jpg,cat,x,y,z\n", [("label.malformed_row", PATH, 2, None, None)]),
    (HEADER + "a.jpg,cat,=1+1,\n", [("label.formula_injection", PATH, 2, None, "caption")]),
    (HEADER + "a.jpg,@cat,x,\n", [("label.formula_injection", PATH, 2, None, "label")]),
    (HEADER + 'a.jpg,cat,x,"\tsun"\n',
     [("label.formula_injection", PATH, 2, None, "weather")]),
    (HEADER + 'a.jpg,cat,"x"y,\n', [("label.malformed_csv", PATH, 2, None, None)]),
    (HEADER + 'a.jpg,cat,"unterminated\n', [("label.malformed_csv", PATH, 2, None, None)]),
    ("image,label,caption,extra\na.jpg,cat,x,1\nb.jpg,cat,y,2\n",
     [("label.unknown_field", PATH, 1, None, "extra")]),
    ("image,label,caption,张三 13812345678\na.jpg,cat,x,1\n",
     [("label.unknown_field", PATH, 1, None, None)]),  # not a field-like name: not echoed
    # no-match rows
    (HEADER + "a.jpg,cat,x,-3.5\n", []),
    (HEADER + "a.jpg,cat,x,+7\n", []),
    (HEADER + "a.jpg,cat,x,\n\n,,,\nb.jpg,dog,y,\n", []),
    (HEADER + "./sub//a.jpg,cat,x,\n", []),
    (HEADER + "a.jpg,cat,x,\r\nb.jpg,cat,y,\r\n", []),
], ids=lambda v: None if isinstance(v, str) else "")
def test_problems(text: str, expected: list[Where]) -> None:
    assert _run(text) == expected


def test_required_field_missing_column_is_reported_once() -> None:
    records, problems = run(RULES, {PATH: b"image,label\na.jpg,cat\nb.jpg,cat\n"})
    assert len(records) == 2
    assert [p.rule for p in problems.kept] == ["label.missing_column"]


@pytest.mark.parametrize(("limits", "rule", "line"), [
    (LabelLimits(max_manifest_bytes=10), "label.too_large", None),
    (LabelLimits(max_csv_field_chars=3), "label.field_too_large", 2),
])
def test_limits(limits: LabelLimits, rule: str, line: int | None) -> None:
    assert _run(HEADER + "a.jpg,cat,four,\n", limits) == [(rule, PATH, line, None, None)]


def test_field_beyond_the_csv_modules_own_limit() -> None:
    text = HEADER + "a.jpg,cat," + "x" * 200_000 + ",\n"
    assert _run(text, LabelLimits(max_csv_field_chars=10**6)) == [
        ("label.field_too_large", PATH, 2, None, None)]


def test_manifest_absent() -> None:
    records, problems = run(RULES, {"ds/other.csv": b"x"})
    assert records == []
    assert where(problems) == [("label.missing_file", PATH, None, None, None)]


def test_image_path_is_joined_to_the_root_unresolved() -> None:
    records, _ = run(RULES, {PATH: (HEADER + "missing/a.jpg,cat,x,\n").encode()})
    assert records[0].image == "ds/missing/a.jpg"


def test_no_class_field_in_contract() -> None:
    rules = contract(Layout.CSV_MANIFEST, manifest="m.csv", class_field=None)
    records, problems = run(rules, {"m.csv": b"image\na.jpg\n"})
    assert not problems.kept
    assert records[0].classes == ()


HOSTILE = ["张三", "13812345678", "HYPERLINK", "http://x", "passwd"]


def test_values_never_reach_problems() -> None:
    text = (
        "image,label,caption,weather,张三13812345678\n"
        '../张三13812345678.jpg,=HYPERLINK("http://x"),张三 13812345678,,x\n'
        'a.jpg,"=HYPERLINK(""http://x"")",+86 13812345678,@passwd,x\n'
        "b.jpg,张三,,13812345678\n"
        'c.jpg,cat,"张三 13812345678"x\n'
    )
    records, problems = run(RULES, {PATH: text.encode()})
    assert {p.rule for p in problems.kept} >= {
        "label.bad_image_path", "label.formula_injection", "label.unknown_field",
        "label.malformed_row", "label.malformed_csv"}
    assert_no_leak(problems, records, HOSTILE)


def test_an_unlisted_column_is_said_to_be_anonymised() -> None:
    """Anonymisation rewrites unlisted columns as free text; the warning said 'kept'."""
    _, problems = run(RULES, {PATH: b"image,label,caption,extra\na.jpg,cat,x,1\n"})
    [warning] = problems.kept
    assert warning.message.endswith("it is not checked, and is anonymised as free text")
