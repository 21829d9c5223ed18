from __future__ import annotations

from pathlib import Path

import pytest

from intake.contract_format import ContractFileError, parse_contract
from vocabulary import Layout

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "contracts").glob("*.yaml"))
MINIMAL = "name: c1\npurpose: model training\nlayout: {kind: class_folders}\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_are_valid(path: Path) -> None:
    rules = parse_contract(path.read_text(), path.name)
    # Inside a folded block a `#` is text: a comment there became part of the purpose,
    # which training then had to declare word for word.
    assert rules.purpose and "#" not in rules.purpose


def test_every_layout_has_an_example() -> None:
    kinds = {parse_contract(p.read_text()).layout.kind for p in EXAMPLES}
    assert kinds == set(Layout)


def test_defaults_are_sane() -> None:
    rules = parse_contract(MINIMAL)
    assert rules.retention_days == 30
    assert rules.volume.min_items == 1
    assert rules.labels.require_labels
    assert rules.images.max_pixels == 100_000_000
    assert rules.free_text_fields() == []


@pytest.mark.parametrize(("text", "where"), [
    ("name: [unclosed", "line 1"),
    ("- a list", "expected a mapping"),
    ("name: c1\nlayout: {kind: class_folders}\n", "purpose"),
    ("name: C1\npurpose: abc\nlayout: {kind: class_folders}\n", "name"),
    (MINIMAL + "retention_days: -1\n", "retention_days"),
    (MINIMAL.replace("class_folders", "parquet"), "layout.kind"),
    ("name: c1\npurpose: abc\nlayout: {kind: csv_manifest}\n", "manifest"),
    ("name: c1\npurpose: abc\nlayout: {kind: coco}\n", "annotations"),
    (MINIMAL + "volume: {min_items: 10, max_items: 5}\n", "max_items"),
    (MINIMAL + "surprise: 1\n", "surprise"),
    (MINIMAL + "labels: {fields: [{name: a}, {name: a}]}\n", "unique"),
    (MINIMAL + "images: {formats: [svg]}\n", "images.formats"),
])
def test_invalid_contracts_name_the_place(text: str, where: str) -> None:
    with pytest.raises(ContractFileError) as err:
        parse_contract(text, "c.yaml")
    assert str(err.value).startswith("c.yaml")
    assert where in str(err.value)


def test_oversized_contract_is_refused() -> None:
    with pytest.raises(ContractFileError, match="256 KiB"):
        parse_contract(MINIMAL + "#" * 300_000)
