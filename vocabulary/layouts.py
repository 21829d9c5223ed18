"""Where a dataset's labels are: the layouts a contract may name."""

from __future__ import annotations

from enum import StrEnum


class Layout(StrEnum):
    CLASS_FOLDERS = "class_folders"
    CSV_MANIFEST = "csv_manifest"
    JSONL_MANIFEST = "jsonl_manifest"
    COCO = "coco"
    YOLO = "yolo"
    VOC = "voc"
