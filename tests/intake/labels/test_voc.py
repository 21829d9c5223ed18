from __future__ import annotations

import pytest

from intake.contract_format import LabelField
from intake.labels import LabelLimits, LabelRecord
from vocabulary import Layout

from .harness import Where, assert_no_leak, contract, run, where
from .samples import voc

FIELDS = [LabelField(name="pose"), LabelField(name="owner_note", free_text=True)]
RULES = contract(Layout.VOC, FIELDS, images_dir="JPEGImages", labels_dir="Annotations")
XML = "Annotations/a.xml"
IMAGES = {"JPEGImages/a.jpg", "JPEGImages/b.png", "JPEGImages/sub/c.jpg"}


def _doc(body: str, filename: str = "a.jpg") -> str:
    return f"<annotation><filename>{filename}</filename>{body}</annotation>"


def _obj(name: str = "cat", extra: str = "") -> str:
    return f"<object><name>{name}</name>{extra}<bndbox><xmin>1</xmin></bndbox></object>"


def _run(text: str | bytes, rules: object = RULES) -> tuple[list[LabelRecord], list[Where]]:
    data = text.encode() if isinstance(text, str) else text
    records, problems = run(RULES, {XML: data}, IMAGES)
    return records, where(problems)


def test_valid_file() -> None:
    text = _doc("<owner_note>张三's cat</owner_note><size><width>5</width></size>"
                + _obj("cat", "<pose>Left</pose>") + _obj("dog"))
    records, problems = _run(text)
    assert problems == []
    assert records == [LabelRecord("JPEGImages/a.jpg", ("cat", "dog"), XML,
                                   fields=frozenset({"owner_note", "pose"}))]


def test_sample_builder_round_trip() -> None:
    items = [("JPEGImages/a.jpg", "cat", {"owner_note": "李四"}), ("JPEGImages/a.jpg", "dog", {}),
             ("JPEGImages/sub/c.jpg", "dog", {"pose": "Frontal"})]
    records, problems = run(RULES, voc(items), IMAGES)
    assert not problems.kept
    assert [(r.image, r.classes, r.fields) for r in records] == [
        ("JPEGImages/a.jpg", ("cat", "dog"), frozenset({"owner_note"})),
        ("JPEGImages/sub/c.jpg", ("dog",), frozenset({"pose"}))]


@pytest.mark.parametrize(("text", "expected"), [
    ("<annotation", [("label.malformed_xml", XML, None, None, None)]),
    ("", [("label.malformed_xml", XML, None, None, None)]),
    ("<root/>", [("label.voc_structure", XML, None, "/annotation", None)]),
    ("<annotation/>", [("label.missing_field", XML, None, "/annotation/filename", "filename")]),
    (_doc("", filename=" "),
     [("label.missing_field", XML, None, "/annotation/filename", "filename")]),
    (_doc("", filename="../a.jpg"),
     [("label.bad_image_path", XML, None, "/annotation/filename", "filename")]),
    (_doc(_obj() + "<object><name></name></object>"),
     [("label.no_class", XML, None, "/annotation/object[2]/name", "name")]),
    (_doc(_obj() + "<object/>"),
     [("label.no_class", XML, None, "/annotation/object[2]/name", "name")]),
    (_doc("<owner_note>=cmd|' /C calc'!A0</owner_note>" + _obj()),
     [("label.formula_injection", XML, None, None, "owner_note")]),
    # no-match rows
    (_doc(_obj()), []),
    (_doc(""), []),  # an image with no objects
    (_doc("<pose>-3.5</pose>" + _obj()), []),
    ('<?xml version="1.0" encoding="utf-8"?>' + _doc(_obj("猫")), []),
], ids=lambda v: None if isinstance(v, str) else "")
def test_problems(text: str, expected: list[Where]) -> None:
    assert _run(text)[1] == expected


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<annotation><filename>&lol9;</filename></annotation>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<annotation><filename>&xxe;</filename></annotation>"""
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE annotation SYSTEM "http://x/evil.dtd">' \
    "<annotation><filename>a.jpg</filename></annotation>"
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY % p SYSTEM "http://x/p.dtd"> %p;]>
<annotation><filename>a.jpg</filename></annotation>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, PARAMETER_ENTITY],
                         ids=["billion-laughs", "xxe", "external-dtd", "parameter-entity"])
def test_unsafe_xml(text: str) -> None:
    records, problems = _run(text)
    assert records == []
    assert problems == [("label.xml_unsafe", XML, None, None, None)]


def test_declared_encoding_is_superseded_by_the_detected_one() -> None:
    text = '<?xml version="1.0" encoding="gb2312"?>' + _doc(_obj("一只猫"), filename="b.png")
    records, problems = _run(text.encode("gb18030"))
    assert problems == []
    assert records[0].classes == ("一只猫",)


def test_utf16_is_refused() -> None:
    assert _run(_doc(_obj()).encode("utf-16"))[1] == [("label.encoding", XML, None, None, None)]


@pytest.mark.parametrize(("xml", "filename", "image"), [
    ("Annotations/a.xml", "a.jpg", "JPEGImages/a.jpg"),
    ("Annotations/b.xml", "b.jpg", "JPEGImages/b.png"),  # by stem: another extension
    ("Annotations/sub/c.xml", "c.jpg", "JPEGImages/sub/c.jpg"),  # beside the label's folder
    ("Annotations/d.xml", "sub/d.jpg", "JPEGImages/sub/d.jpg"),  # not in the upload
    ("Annotations/e.xml", "e.jpg", "JPEGImages/e.jpg"),
])
def test_image_resolution(xml: str, filename: str, image: str) -> None:
    records, _ = run(RULES, {xml: _doc(_obj(), filename).encode()}, IMAGES)
    assert records[0].image == image


def test_required_fields() -> None:
    rules = contract(Layout.VOC, [LabelField(name="pose", required=True)])
    _, problems = run(rules, {"labels/a.xml": _doc(_obj()).encode()})
    assert where(problems) == [("label.missing_field", "labels/a.xml", None, None, "pose")]


def test_limits() -> None:
    _, problems = run(RULES, {XML: _doc(_obj()).encode()}, IMAGES,
                      LabelLimits(max_small_file_bytes=10))
    assert where(problems) == [("label.too_large", XML, None, None, None)]


HOSTILE = ["张三", "13812345678", "HYPERLINK", "http://x", "passwd", "lol"]


def test_values_never_reach_problems() -> None:
    files = {
        "Annotations/1.xml": _doc(_obj('=HYPERLINK("http://x")', "<pose>张三</pose>")
                                  + "<owner_note>@13812345678</owner_note>"),
        "Annotations/2.xml": _doc("", filename="/张三/13812345678.jpg"),
        "Annotations/3.xml": XXE,
        "Annotations/4.xml": BILLION_LAUGHS,
        "Annotations/5.xml": "<annotation><filename>张三 13812345678</filename",
        "Annotations/6.xml": "<张三>13812345678</张三>",
    }
    records, problems = run(RULES, {k: v.encode() for k, v in files.items()}, IMAGES)
    assert len({p.rule for p in problems.kept}) == 5
    assert_no_leak(problems, records, HOSTILE)
