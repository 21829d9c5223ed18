from __future__ import annotations

import json

import pytest

from intake.contract_format import LabelField
from intake.labels import LabelLimits, LabelRecord
from vocabulary import Layout

from .harness import Where, assert_no_leak, contract, run, where
from .samples import jsonl_manifest

FIELDS = [LabelField(name="text", free_text=True, required=True), LabelField(name="merchant")]
RULES = contract(Layout.JSONL_MANIFEST, FIELDS, manifest="labels.jsonl")
PATH = "labels.jsonl"


def _line(**values: object) -> str:
    return json.dumps({"image": "a.jpg", "label": "cat", "text": "t", **values},
                      ensure_ascii=False)


def _run(text: str, limits: LabelLimits | None = None) -> list[Where]:
    return where(run(RULES, {PATH: text.encode()}, limits=limits)[1])


def test_valid_manifest() -> None:
    files = jsonl_manifest([("img/a.jpg", "receipt", {"text": "总计 12.50", "merchant": "m"}),
                            ("img/b.jpg", "invoice", {"text": "x", "merchant": ""})])
    records, problems = run(RULES, files)
    assert not problems.kept
    assert records == [
        LabelRecord("img/a.jpg", ("receipt",), PATH, 1, None, frozenset({"text", "merchant"})),
        LabelRecord("img/b.jpg", ("invoice",), PATH, 2, None, frozenset({"text"})),
    ]


def test_class_list_and_blank_lines() -> None:
    text = "\n" + _line(label=["cat", "dog"]) + "\n   \n" + _line(image="b.jpg") + "\n"
    records, problems = run(RULES, {PATH: text.encode()})
    assert not problems.kept
    assert [(r.line, r.classes) for r in records] == [(2, ("cat", "dog")), (4, ("cat",))]


@pytest.mark.parametrize(("text", "expected"), [
    ("{", [("label.malformed_json", PATH, 1, None, None)]),
    (_line() + "\n[1, 2]", [("label.not_an_object", PATH, 2, None, None)]),
    ("[" * 100_000, [("label.json_too_deep", PATH, 1, None, None)]),
    ('{"image": ' + "[" * 70 + "]" * 70 + "}", [("label.json_too_deep", PATH, 1, None, None)]),
    (_line(image="../a.jpg"), [("label.bad_image_path", PATH, 1, None, "image")]),
    (_line(image=7), [("label.bad_image_path", PATH, 1, None, "image")]),
    (_line(image=None), [("label.missing_field", PATH, 1, None, "image")]),
    (_line(label=""), [("label.no_class", PATH, 1, None, "label")]),
    (_line(label=[]), [("label.no_class", PATH, 1, None, "label")]),
    (_line(label=3), [("label.bad_class", PATH, 1, None, "label")]),
    (_line(label=["cat", 3]), [("label.bad_class", PATH, 1, None, "label")]),
    (_line(text=""), [("label.missing_field", PATH, 1, None, "text")]),
    (_line(text="=1+1"), [("label.formula_injection", PATH, 1, None, "text")]),
    (_line(merchant={"lines": ["ok", "-x"]}),
     [("label.formula_injection", PATH, 1, None, "merchant")]),
    (_line(extra=1) + "\n" + _line(extra=2, more=3),
     [("label.unknown_field", PATH, 1, None, "extra"),
      ("label.unknown_field", PATH, 2, None, "more")]),
    # no-match rows
    (_line(merchant=-3.5), []),
    (_line(merchant="-3.5"), []),
    (_line() + "\r\n" + _line(image="b.jpg") + "\r\n", []),
    ('{"image": "a.jpg", "label": "cat", "text": "[[[[[[\\"\u2028"}', []),
], ids=lambda v: None if isinstance(v, str) else "")
def test_problems(text: str, expected: list[Where]) -> None:
    assert _run(text) == expected


@pytest.mark.parametrize(("limits", "rule", "line"), [
    (LabelLimits(max_manifest_bytes=10), "label.too_large", None),
    (LabelLimits(max_line_chars=10), "label.line_too_long", 1),
    (LabelLimits(max_json_depth=0), "label.json_too_deep", 1),
])
def test_limits(limits: LabelLimits, rule: str, line: int | None) -> None:
    assert _run(_line(), limits) == [(rule, PATH, line, None, None)]


def test_manifest_absent() -> None:
    assert where(run(RULES, {})[1]) == [("label.missing_file", PATH, None, None, None)]


HOSTILE = ["张三", "13812345678", "HYPERLINK", "http://x"]


def test_values_never_reach_problems() -> None:
    lines = [
        _line(image="../张三 13812345678.jpg"),
        _line(label='=HYPERLINK("http://x")', text='=HYPERLINK("http://x")'),
        _line(**{"张三 13812345678": "13812345678"}),
        _line(label=["张三", {"x": 13812345678}]),
        '{"image": "张三 13812345678',
        '["张三 13812345678"]',
    ]
    records, problems = run(RULES, {PATH: "\n".join(lines).encode()})
    assert len({p.rule for p in problems.kept}) == 6
    assert_no_leak(problems, records, HOSTILE)
