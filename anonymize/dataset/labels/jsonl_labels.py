"""`jsonl_manifest`: each object rewritten, one per line, blank lines kept."""

from __future__ import annotations

import json
from typing import Any

from anonymize.dataset.batch import Batch
from anonymize.dataset.labels.encoding import decode, encode
from anonymize.dataset.labels.json_values import JsonSlots
from anonymize.dataset.labels.manifest_fields import register_row
from anonymize.dataset.plan import LabelPlan


def rewrite_jsonl(data: bytes, file: str, output_file: str, plan: LabelPlan,
                  batch: Batch) -> bytes:
    text, codec = decode(data)
    slots = JsonSlots(batch)
    lines: list[tuple[str, Any]] = []  # (blank line as it was, or "" and the object)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            lines.append((line, None))
            continue
        value = json.loads(line)
        if isinstance(value, dict):
            register_row(value, plan, slots, f"line {number}")
        lines.append(("", value))
    slots.fill(batch.run(output_file))
    return encode("\n".join(json.dumps(value, ensure_ascii=False) if value is not None
                            else blank for blank, value in lines), codec)
