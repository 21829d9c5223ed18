"""`csv_manifest`: the manifest rewritten cell by cell, header and quoting style kept."""

from __future__ import annotations

import csv
import io
from typing import Any

from anonymize.dataset.batch import Batch
from anonymize.dataset.labels.encoding import decode, encode
from anonymize.dataset.labels.json_values import JsonSlots
from anonymize.dataset.labels.manifest_fields import register_row
from anonymize.dataset.plan import LabelPlan


def rewrite_csv(data: bytes, file: str, output_file: str, plan: LabelPlan,
                batch: Batch) -> bytes:
    text, codec = decode(data)
    delimiter = "\t" if file.lower().endswith(".tsv") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    if not rows:
        return data
    header, body = rows[0], rows[1:]
    slots = JsonSlots(batch)
    records: list[dict[str, Any]] = []
    for number, row in enumerate(body, start=1):
        record = dict(zip(header, row, strict=False))
        register_row(record, plan, slots, f"row {number}")
        records.append(record)
    slots.fill(batch.run(output_file))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter,
                        lineterminator="\r\n" if "\r\n" in text else "\n")
    writer.writerow(header)
    for row, record in zip(body, records, strict=True):
        writer.writerow([record.get(name, cell) for name, cell in zip(header, row,
                                                                      strict=False)])
    return encode(out.getvalue(), codec)
