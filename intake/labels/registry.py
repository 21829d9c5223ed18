"""Which parser reads which layout: an explicit table, passed in or the default one."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from intake.contract_format import ContractRules
from intake.labels.class_folders import ClassFoldersParser
from intake.labels.coco import CocoParser
from intake.labels.csv_manifest import CsvManifestParser
from intake.labels.jsonl_manifest import JsonlManifestParser
from intake.labels.limits import LabelLimits
from intake.labels.record import LabelParser
from intake.labels.voc import VocParser
from intake.labels.yolo import YoloParser
from vocabulary import Layout

ParserFactory = Callable[[ContractRules, LabelLimits], LabelParser]


def default_parsers() -> dict[Layout, ParserFactory]:
    return {
        Layout.CLASS_FOLDERS: ClassFoldersParser,
        Layout.CSV_MANIFEST: CsvManifestParser,
        Layout.JSONL_MANIFEST: JsonlManifestParser,
        Layout.COCO: CocoParser,
        Layout.YOLO: YoloParser,
        Layout.VOC: VocParser,
    }


def build_parser(rules: ContractRules, limits: LabelLimits | None = None,
                 parsers: Mapping[Layout, ParserFactory] | None = None) -> LabelParser:
    """A fresh parser (they hold state) for one upload under `rules`."""
    table = default_parsers() if parsers is None else parsers
    factory = table.get(rules.layout.kind)
    if factory is None:
        raise ValueError(f"no label parser for layout {rules.layout.kind.value}")
    return factory(rules, limits or LabelLimits())
