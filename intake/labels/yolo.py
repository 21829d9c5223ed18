"""`yolo`: one `.txt` per image under `labels_dir`, lines `class cx cy w h`, plus class names
(one per line, or a `data.yaml` with `names:`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterator

import yaml

from intake.contract_format import ContractRules
from intake.labels.limits import LabelLimits
from intake.labels.paths import ImageIndex, join, stem, under
from intake.labels.record import LabelRecord
from intake.labels.text import read_label_text
from intake.problems import Problems


class YoloParser:
    name = "yolo"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        layout = rules.layout
        self._root = layout.root.strip("/")
        self._images_dir = layout.images_dir
        self._labels = join(layout.root, layout.labels_dir)
        self._names_path = join(layout.root, layout.class_names) if layout.class_names else None
        self._limits = limits
        self._names: list[str] | None = None
        self._names_seen = False
        self._files: dict[str, list[tuple[int, int]]] = {}  # txt -> (line, class index)
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return path == self._names_path or (
            path.endswith(".txt") and under(path, self._labels) is not None)

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        if len(data) > self._limits.max_small_file_bytes:
            problems.error("label.too_large", "the label file is larger than the limit",
                           file=path)
            return
        decoded = read_label_text(data, path, problems)
        if path == self._names_path:
            self._names_seen = True
            if decoded is not None:
                self.encodings[decoded[1]] += 1
                self._names = _read_names(decoded[0], path, problems)
        elif decoded is not None:
            self.encodings[decoded[1]] += 1
            self._files[path] = _read_boxes(decoded[0], path, problems)

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        if self._files and not self._names_seen:
            problems.error("label.no_class_names", "the class names file is not in the upload "
                           "(or the contract names none)", file=self._names_path)
        index = ImageIndex(image_paths, self._root, self._images_dir)
        for path, objects in sorted(self._files.items()):
            rel = stem(under(path, self._labels) or path)
            image = index.find_stem(rel) or join(index.base, rel)
            yield LabelRecord(image=image, classes=self._classes(objects, path, problems),
                              file=path)

    def _classes(self, objects: list[tuple[int, int]], path: str,
                 problems: Problems) -> tuple[str, ...]:
        if self._names is None:
            return ()  # already reported: no usable class names
        classes: list[str] = []
        for line, index in objects:
            if index < len(self._names):
                classes.append(self._names[index])
            else:
                problems.error("label.unknown_class_index", "the class index is not in the "
                               "class names", file=path, line=line)
        return tuple(classes)


def _read_boxes(text: str, path: str, problems: Problems) -> list[tuple[int, int]]:
    objects: list[tuple[int, int]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        values = line.split()
        if not values:
            continue
        if len(values) < 5:
            problems.error("label.malformed_row", "a YOLO line needs a class index and four "
                           "box values", file=path, line=number)
        elif not (values[0].isascii() and values[0].isdigit() and len(values[0]) < 10):
            problems.error("label.unknown_class_index", "the class index is not a "
                           "non-negative integer", file=path, line=number)
        elif not all(_unit(v) for v in values[1:]):
            problems.error("label.yolo_bad_box", "box values must be numbers within [0, 1]",
                           file=path, line=number)
        else:
            objects.append((number, int(values[0])))
    return objects


def _unit(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and 0.0 <= number <= 1.0


def _read_names(text: str, path: str, problems: Problems) -> list[str] | None:
    if not path.lower().endswith((".yaml", ".yml")):
        return [line.strip() for line in text.split("\n") if line.strip()]
    try:
        document = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        document = None
    names = document.get("names") if isinstance(document, dict) else None
    if isinstance(names, dict) and all(type(k) is int for k in names):
        # {0: person, 1: car}: indices must run from 0 without gaps
        names = [names.get(i) for i in range(len(names))]
    if isinstance(names, list) and names and all(isinstance(n, str) and n.strip()
                                                 for n in names):
        return [n.strip() for n in names]
    problems.error("label.bad_class_names", "the YAML file needs `names:` as a list of class "
                   "names or a mapping from 0, 1, ... to names", file=path)
    return None
