"""`voc`: one Pascal VOC `.xml` per image under `labels_dir` (often `Annotations`)."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from intake.contract_format import ContractRules
from intake.labels.fields import FieldRules, check_formulas
from intake.labels.limits import LabelLimits
from intake.labels.paths import ImageIndex, join, safe_relative, stem, under
from intake.labels.record import LabelRecord
from intake.labels.text import read_label_text
from intake.problems import Problems
from vocabulary import declared_gb_encoding


@dataclass(frozen=True)
class _Annotation:
    filename: str  # relative to images_dir
    classes: tuple[str, ...]
    fields: frozenset[str]


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


class VocParser:
    name = "voc"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        layout = rules.layout
        self._root = layout.root.strip("/")
        self._images_dir = layout.images_dir
        self._labels = join(layout.root, layout.labels_dir)
        self._fields = FieldRules(rules.labels)
        self._limits = limits
        self._files: dict[str, _Annotation] = {}
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return path.endswith(".xml") and under(path, self._labels) is not None

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        if len(data) > self._limits.max_small_file_bytes:
            problems.error("label.too_large", "the label file is larger than the limit",
                           file=path)
            return
        decoded = read_label_text(data, path, problems,
                                  gb18030_first=declared_gb_encoding(data) is not None)
        if decoded is None:
            return
        self.encodings[decoded[1]] += 1
        try:
            # A str is parsed as the text we decoded, whatever encoding the XML declares.
            # No DTD at all: that refuses entity expansion (billion laughs) and external
            # entities (XXE) alike.
            root = fromstring(decoded[0], forbid_dtd=True)
        except DefusedXmlException:
            problems.error("label.xml_unsafe", "XML with a DTD or entities is refused",
                           file=path)
            return
        except (ParseError, ValueError, RecursionError):
            problems.error("label.malformed_xml", "not well-formed XML", file=path)
            return
        annotation = self._read(root, path, problems)
        if annotation is not None:
            self._files[path] = annotation

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        index = ImageIndex(image_paths, self._root, self._images_dir)
        for path, annotation in sorted(self._files.items()):
            image = index.find(annotation.filename)
            if image is None and "/" not in annotation.filename:
                # A bare name: look beside the label's own sub-folder, any extension.
                folder = posixpath.dirname(under(path, self._labels) or "")
                image = index.find_stem(join(folder, stem(annotation.filename)))
            yield LabelRecord(image=image or join(index.base, annotation.filename),
                              classes=annotation.classes, file=path, fields=annotation.fields)

    def _read(self, root: Element, path: str, problems: Problems) -> _Annotation | None:
        if root.tag != "annotation":
            problems.error("label.voc_structure", "the root element must be <annotation>",
                           file=path, json_path="/annotation")
            return None
        filename = _text(root.find("filename"))
        if not filename:
            problems.error("label.missing_field", "<filename> is missing or empty", file=path,
                           json_path="/annotation/filename", field="filename")
            return None
        rel = safe_relative(filename)
        if rel is None:
            problems.error("label.bad_image_path", "<filename> is not a relative path inside "
                           "the dataset", file=path, json_path="/annotation/filename",
                           field="filename")
            return None
        classes: list[str] = []
        values = self._values(root)
        for i, obj in enumerate(root.findall("object"), start=1):
            name = _text(obj.find("name"))
            if name:
                classes.append(name)
            else:
                problems.error("label.no_class", "an <object> has no <name>", file=path,
                               json_path=f"/annotation/object[{i}]/name", field="name")
            values += self._values(obj)
        check_formulas(values, problems, file=path)
        filled = self._fields.filled(values)
        self._fields.check_required(filled, problems, file=path)
        return _Annotation(rel, tuple(classes), filled)

    def _values(self, element: Element) -> list[tuple[str, object]]:
        """Contract fields that are direct children: (tag, text)."""
        return [(child.tag, _text(child)) for child in element
                if isinstance(child.tag, str) and child.tag in self._fields.names]
