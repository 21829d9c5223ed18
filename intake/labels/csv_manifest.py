"""`csv_manifest`: one CSV (or TSV) file, a header row, one row per label."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Collection, Iterator

from intake.contract_format import ContractRules
from intake.labels.fields import reportable
from intake.labels.limits import LabelLimits
from intake.labels.manifest import ManifestRows
from intake.labels.paths import join
from intake.labels.record import LabelRecord
from intake.labels.text import read_label_text
from intake.problems import Problems


class CsvManifestParser:
    name = "csv_manifest"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        self._rows = ManifestRows(rules)
        self._path = join(rules.layout.root, rules.layout.manifest or "")
        self._delimiter = "\t" if self._path.lower().endswith(".tsv") else ","
        self._limits = limits
        self._records: list[LabelRecord] = []
        self._seen = False
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return path == self._path

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        self._seen = True
        if len(data) > self._limits.max_manifest_bytes:
            problems.error("label.too_large", "the manifest is larger than the limit", file=path)
            return
        decoded = read_label_text(data, path, problems)
        if decoded is None:
            return
        self.encodings[decoded[1]] += 1
        self._read(decoded[0], path, problems)

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        if not self._seen:
            problems.error("label.missing_file", "the manifest named in the contract is not in "
                           "the upload", file=self._path)
        yield from self._records

    def _read(self, text: str, path: str, problems: Problems) -> None:
        # newline="" hands the csv module the line ends untouched, as its docs require.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self._delimiter,
                            strict=True)
        try:
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                problems.error("label.missing_header", "the manifest has no header row",
                               file=path, line=1)
                return
            absent = self._check_header(header, path, problems)
            if absent is None:
                return
            start = 2  # physical line of the next row; quoted cells may span lines
            for row in reader:
                line, start = start, reader.line_num + 1
                self._row(header, row, absent, problems, file=path, line=line)
        except csv.Error as exc:
            too_large = str(exc).startswith("field larger than field limit")
            problems.error("label.field_too_large" if too_large else "label.malformed_csv",
                           "a cell is larger than the limit" if too_large else
                           "broken CSV quoting; the rest of the file is not read",
                           file=path, line=max(reader.line_num, 1))

    def _row(self, header: list[str], row: list[str], absent: frozenset[str],
             problems: Problems, *, file: str, line: int) -> None:
        if not any(cell.strip() for cell in row):
            return
        if len(row) != len(header):
            problems.error("label.malformed_row", f"{len(row)} cells where the header has "
                           f"{len(header)}", file=file, line=line)
            return
        if any(len(cell) > self._limits.max_csv_field_chars for cell in row):
            problems.error("label.field_too_large", "a cell is larger than the limit",
                           file=file, line=line)
            return
        record = self._rows.record(dict(zip(header, row, strict=True)), problems, file=file,
                                   line=line, absent=absent)
        if record is not None:
            self._records.append(record)

    def _check_header(self, header: list[str], path: str,
                      problems: Problems) -> frozenset[str] | None:
        """The required fields with no column (reported once, here, not on every row), or
        None when the rows cannot be read."""
        usable = True
        for name, count in Counter(header).items():
            if count > 1:
                problems.error("label.duplicate_column", "the header names a column twice",
                               file=path, line=1, field=reportable(name))
                usable = False
        needed = [self._rows.image_field] + ([self._rows.class_field]
                                            if self._rows.class_field else [])
        absent = frozenset(self._rows.fields.required) - set(header) - set(needed)
        for name in [*needed, *sorted(absent)]:
            if name not in header:
                problems.error("label.missing_column", "a column the contract needs is not in "
                               "the header", file=path, line=1, field=name)
                usable = usable and name not in needed
        for name in header:
            if name not in self._rows.known:
                self._rows.unknown_field(name, problems, file=path, line=1)
        return absent if usable else None
