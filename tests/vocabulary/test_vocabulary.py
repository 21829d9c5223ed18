"""The shared vocabulary: one definition of each word, importing no other Airlock package
(intake and anonymize both import it, and neither may import the other)."""

from __future__ import annotations

import ast
import codecs
from pathlib import Path

import pytest

import vocabulary
from vocabulary import declared_gb_encoding, decode_text

AIRLOCK_PACKAGES = {"airlock", "anonymize", "audit", "catalog", "intake", "retention", "vault"}


def test_vocabulary_imports_no_other_airlock_package() -> None:
    for module in Path(vocabulary.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & AIRLOCK_PACKAGES, module.name


CHINESE = "图像,类别\n猫.jpg,猫\n"


@pytest.mark.parametrize(("data", "first", "decoded"), [
    (CHINESE.encode("utf-8"), False, (CHINESE, "utf-8")),
    (codecs.BOM_UTF8 + CHINESE.encode("utf-8"), False, (CHINESE, "utf-8-sig")),
    (CHINESE.encode("gb18030"), False, (CHINESE, "gb18030")),
    ("小猫".encode("gb18030"), True, ("小猫", "gb18030")),
    (CHINESE.encode("utf-16"), False, None),
    (b"a\x00b", False, None),
    ("café\n".encode("latin-1"), False, None),
], ids=["utf8", "utf8-bom", "gb18030", "gb18030-first", "utf16", "nul", "latin1"])
def test_decode_text(data: bytes, first: bool, decoded: tuple[str, str] | None) -> None:
    assert decode_text(data, gb18030_first=first) == decoded
    if decoded is not None:
        assert decoded[0].encode(decoded[1]) == data  # written back as it came


@pytest.mark.parametrize(("head", "declared"), [
    (b'<?xml version="1.0" encoding="GBK"?><annotation/>', "GBK"),
    (b"  <?xml version='1.0' encoding='gb2312'?>", "gb2312"),
    (b'<?xml version="1.0" encoding="utf-8"?>', None),
    (b"<annotation/>", None),
])
def test_declared_gb_encoding(head: bytes, declared: str | None) -> None:
    assert declared_gb_encoding(head) == declared
