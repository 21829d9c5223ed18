from __future__ import annotations

import codecs

import pytest

from intake.labels import is_formula, read_label_text
from intake.labels.jsontext import JsonRejected, nesting_depth, parse_json
from intake.problems import Problems

from .harness import where

CHINESE = "图像,类别\n猫.jpg,猫\n张三,北京\n"


@pytest.mark.parametrize(("data", "text", "encoding"), [
    (CHINESE.encode("utf-8"), CHINESE, "utf-8"),
    (codecs.BOM_UTF8 + CHINESE.encode("utf-8"), CHINESE, "utf-8-sig"),
    (CHINESE.encode("gb18030"), CHINESE, "gb18030"),
    (b"plain ascii\r\n\ttab\x0c", "plain ascii\r\n\ttab\x0c", "utf-8"),
    (b"", "", "utf-8"),
], ids=["utf8", "utf8-bom", "gb18030", "ascii", "empty"])
def test_accepted_encodings(data: bytes, text: str, encoding: str) -> None:
    problems = Problems()
    assert read_label_text(data, "l.csv", problems) == (text, encoding)
    assert not problems.kept


def test_gb18030_first_for_declared_gb_text() -> None:
    data = "小猫".encode("gb18030")  # also valid UTF-8, as different characters
    assert read_label_text(data, "a.xml", Problems()) == (data.decode(), "utf-8")
    assert read_label_text(data, "a.xml", Problems(), gb18030_first=True) == ("小猫", "gb18030")


@pytest.mark.parametrize("data", [
    CHINESE.encode("utf-16"),  # BOM
    CHINESE.encode("utf-16-le"),  # no BOM: NULs
    CHINESE.encode("utf-32"),
    "café au lait\n".encode("latin-1"),  # é followed by a space: not GB18030 either
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"text\x01\x02with controls",
    codecs.BOM_UTF8 + b"\xff\xfe broken after a BOM",
], ids=["utf16-bom", "utf16-le", "utf32", "latin1", "binary-nul", "controls", "bom-then-junk"])
def test_rejected_encodings(data: bytes) -> None:
    problems = Problems()
    assert read_label_text(data, "l.csv", problems) is None
    assert where(problems) == [("label.encoding", "l.csv", None, None, None)]


@pytest.mark.parametrize(("value", "formula"), [
    ("=1+1", True),
    ('=HYPERLINK("http://x")', True),
    ("+86 138 1234 5678", False),
    ("@SUM(A1)", True),
    ("\tcmd", True),
    ("\r=x", True),
    ("-", False),
    ("- item", True),
    # no-match rows
    ("-3.5", False),
    ("+7", False),
    ("-1e-3", False),
    ("+.5", False),
    ("1+1", False),
    ("cat", False),
    ("", False),
    ("张三", False),
    ("a=b", False),
])
def test_is_formula(value: str, formula: bool) -> None:
    assert is_formula(value) is formula


@pytest.mark.parametrize(("text", "depth"), [
    ("1", 0),
    ("[]", 1),
    ('{"a": [1, {"b": []}]}', 4),
    ('{"a": "[[[[{{{{"}', 1),  # brackets in strings do not count
    ('["\\"[[[", "]"]', 1),  # nor behind escaped quotes
    ('["unterminated [[[[', 1),
    ("[" * 100_000, 100_000),
])
def test_nesting_depth(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


@pytest.mark.parametrize(("text", "rule"), [
    ("[" * 100_000, "label.json_too_deep"),
    ("[" * 65 + "]" * 65, "label.json_too_deep"),
    ('{"a": ' * 50_000 + "1" + "}" * 50_000, "label.json_too_deep"),
    ("{", "label.malformed_json"),
    ("[1,]", "label.malformed_json"),
    ("1" * 5000, "label.malformed_json"),  # longer than Python converts to int
])
def test_parse_json_refuses(text: str, rule: str) -> None:
    with pytest.raises(JsonRejected) as caught:
        parse_json(text, 64)
    assert caught.value.rule == rule


def test_parse_json_catches_recursion_past_the_scan() -> None:
    with pytest.raises(JsonRejected) as caught:
        parse_json("[" * 100_000 + "]" * 100_000, 10**9)
    assert caught.value.rule == "label.json_too_deep"


def test_parse_json_at_the_limit() -> None:
    assert isinstance(parse_json("[" * 64 + "]" * 64, 64), list)
