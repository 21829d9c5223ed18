"""What CSV and JSONL manifests share: one row or object per label, read the same way."""

from __future__ import annotations

from collections.abc import Mapping

from intake.contract_format import ContractRules
from intake.labels.fields import FieldRules, check_formulas, present, reportable
from intake.labels.paths import join, safe_relative
from intake.labels.record import LabelRecord
from intake.problems import Problems


class ManifestRows:
    """Turns one manifest row (column or key -> value) into a record, reporting defects."""

    def __init__(self, rules: ContractRules) -> None:
        layout = rules.layout
        self.root = layout.root.strip("/")
        self.image_field = layout.image_field
        self.class_field = layout.class_field
        self.fields = FieldRules(rules.labels)
        self.known = self.fields.names | {layout.image_field} | \
            ({layout.class_field} if layout.class_field else set())

    def unknown_field(self, name: str, problems: Problems, *, file: str, line: int) -> None:
        # Anonymisation rewrites such a field as free text (privacy first): say so.
        problems.warning("label.unknown_field", "a column or key the contract does not list; "
                         "it is not checked, and is anonymised as free text", file=file,
                         line=line, field=reportable(name))

    def record(self, row: Mapping[str, object], problems: Problems, *, file: str, line: int,
               absent: frozenset[str] = frozenset()) -> LabelRecord | None:
        """`absent`: required fields already reported missing for the whole file."""
        check_formulas(row.items(), problems, file=file, line=line)
        filled = self.fields.filled(row.items())
        self.fields.check_required(filled | absent, problems, file=file, line=line)
        image = self._image(row.get(self.image_field), problems, file=file, line=line)
        if image is None:
            return None
        classes = self._classes(row, problems, file=file, line=line)
        return LabelRecord(image=image, classes=classes, file=file, line=line, fields=filled)

    def _image(self, value: object, problems: Problems, *, file: str, line: int) -> str | None:
        if not present(value):
            problems.error("label.missing_field", "the image path is missing", file=file,
                           line=line, field=self.image_field)
            return None
        rel = safe_relative(value) if isinstance(value, str) else None
        if rel is None:
            problems.error("label.bad_image_path", "the image path is not a relative path "
                           "inside the dataset (absolute, '..', backslash or not text)",
                           file=file, line=line, field=self.image_field)
            return None
        return join(self.root, rel)

    def _classes(self, row: Mapping[str, object], problems: Problems, *, file: str,
                 line: int) -> tuple[str, ...]:
        if self.class_field is None:
            return ()
        value = row.get(self.class_field)
        if not present(value):
            problems.error("label.no_class", "the class is missing or empty", file=file,
                           line=line, field=self.class_field)
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            problems.error("label.bad_class", "the class must be a non-empty string or a list "
                           "of them", file=file, line=line, field=self.class_field)
            return ()
        return tuple(str(v) for v in value)
