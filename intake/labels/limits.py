"""Bounds on label files, so a hostile upload costs bounded memory and time."""

from __future__ import annotations

from dataclasses import dataclass

from intake.contract_format import MiB


@dataclass(frozen=True)
class LabelLimits:
    max_manifest_bytes: int = 512 * MiB  # one CSV / JSONL manifest or COCO file
    max_small_file_bytes: int = 1 * MiB  # one YOLO .txt, VOC .xml or class-names file
    max_json_depth: int = 64
    max_csv_field_chars: int = 128 * 1024  # also the csv module's own (global) default
    max_line_chars: int = 1 * MiB  # one JSONL line
