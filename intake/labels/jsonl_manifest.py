"""`jsonl_manifest`: one JSON object per line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator

from intake.contract_format import ContractRules
from intake.labels.jsontext import JsonRejected, parse_json
from intake.labels.limits import LabelLimits
from intake.labels.manifest import ManifestRows
from intake.labels.paths import join
from intake.labels.record import LabelRecord
from intake.labels.text import read_label_text
from intake.problems import Problems


class JsonlManifestParser:
    name = "jsonl_manifest"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        self._rows = ManifestRows(rules)
        self._path = join(rules.layout.root, rules.layout.manifest or "")
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
        unknown: set[str] = set()
        # Split on "\n" only: JSON strings may hold U+2028 and other line breaks str.splitlines
        # would cut at.
        for number, line in enumerate(decoded[0].split("\n"), start=1):
            if line.strip():
                self._line(line, unknown, problems, file=path, line=number)

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        if not self._seen:
            problems.error("label.missing_file", "the manifest named in the contract is not in "
                           "the upload", file=self._path)
        yield from self._records

    def _line(self, text: str, unknown: set[str], problems: Problems, *, file: str,
              line: int) -> None:
        if len(text) > self._limits.max_line_chars:
            problems.error("label.line_too_long", "the line is longer than the limit",
                           file=file, line=line)
            return
        try:
            value = parse_json(text, self._limits.max_json_depth)
        except JsonRejected as exc:
            problems.error(exc.rule, exc.message, file=file, line=line)
            return
        if not isinstance(value, dict):
            problems.error("label.not_an_object", "each line must be a JSON object", file=file,
                           line=line)
            return
        for key in sorted(value.keys() - self._rows.known - unknown):
            unknown.add(key)
            self._rows.unknown_field(key, problems, file=file, line=line)
        record = self._rows.record(value, problems, file=file, line=line)
        if record is not None:
            self._records.append(record)
