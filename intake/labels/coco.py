"""`coco`: one COCO JSON file (instances or captions) with images, annotations, categories."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from intake.contract_format import ContractRules
from intake.labels.fields import FieldRules, check_formulas
from intake.labels.jsontext import JsonRejected, parse_json
from intake.labels.limits import LabelLimits
from intake.labels.paths import ImageIndex, join, safe_relative
from intake.labels.record import LabelRecord
from intake.labels.text import read_label_text
from intake.problems import Problems

Id = int | str


@dataclass
class _Image:
    rel: str  # file_name, relative to images_dir
    json_path: str
    classes: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)


def _as_id(value: object) -> Id | None:
    if isinstance(value, bool):  # bool is an int to Python, never an id to COCO
        return None
    return value if isinstance(value, (int, str)) else None


class _Structure:
    """Reports structural defects at their JSON path."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def bad(self, json_path: str, message: str) -> None:
        self.problems.error("label.coco_structure", message, file=self.file, json_path=json_path)

    def objects(self, document: dict[str, object], key: str,
                required: bool) -> Iterator[tuple[str, dict[str, object]]]:
        value = document.get(key)
        if value is None and not required:
            return
        if not isinstance(value, list):
            self.bad(f"$.{key}", "must be a list")
            return
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield f"$.{key}[{i}]", item
            else:
                self.bad(f"$.{key}[{i}]", "must be an object")


class CocoParser:
    name = "coco"

    def __init__(self, rules: ContractRules, limits: LabelLimits) -> None:
        self._root = rules.layout.root.strip("/")
        self._images_dir = rules.layout.images_dir
        self._path = join(rules.layout.root, rules.layout.annotations or "")
        self._fields = FieldRules(rules.labels)
        self._limits = limits
        self._images: list[_Image] = []
        self._seen = False
        self.encodings: Counter[str] = Counter()

    def wants(self, path: str) -> bool:
        return path == self._path

    def feed(self, path: str, data: bytes, problems: Problems) -> None:
        self._seen = True
        if len(data) > self._limits.max_manifest_bytes:
            problems.error("label.too_large", "the annotations file is larger than the limit",
                           file=path)
            return
        decoded = read_label_text(data, path, problems)
        if decoded is None:
            return
        self.encodings[decoded[1]] += 1
        try:
            document = parse_json(decoded[0], self._limits.max_json_depth)
        except JsonRejected as exc:
            problems.error(exc.rule, exc.message, file=path)
            return
        if not isinstance(document, dict):
            problems.error("label.coco_structure", "must be a JSON object", file=path,
                           json_path="$")
            return
        check = _Structure(path, problems)
        categories = self._categories(document, check)
        images = self._read_images(document, check)
        if isinstance(document.get("images"), list):  # else every image_id would be unknown
            self._annotations(document, images, categories, check)
        self._images = list(images.values())

    def finish(self, image_paths: Collection[str], problems: Problems) -> Iterator[LabelRecord]:
        if not self._seen:
            problems.error("label.missing_file", "the annotations file named in the contract is "
                           "not in the upload", file=self._path)
        index = ImageIndex(image_paths, self._root, self._images_dir)
        for image in self._images:
            found = index.find(image.rel) or join(index.base, image.rel)
            filled = frozenset(image.fields)
            self._fields.check_required(filled, problems, file=self._path,
                                        json_path=image.json_path)
            yield LabelRecord(image=found, classes=tuple(image.classes), file=self._path,
                              json_path=image.json_path, fields=filled)

    def _categories(self, document: dict[str, object], check: _Structure) -> dict[Id, str]:
        names: dict[Id, str] = {}
        for where, item in check.objects(document, "categories", required=False):
            ident, name = _as_id(item.get("id")), item.get("name")
            if ident is None:
                check.bad(f"{where}.id", "must be an integer or a string")
            elif not isinstance(name, str) or not name.strip():
                check.bad(f"{where}.name", "must be a non-empty string")
            elif ident in names:
                check.problems.error("label.duplicate_id", "a category id used twice",
                                     file=check.file, json_path=f"{where}.id")
            else:
                names[ident] = name
        return names

    def _read_images(self, document: dict[str, object], check: _Structure) -> dict[Id, _Image]:
        images: dict[Id, _Image] = {}
        for where, item in check.objects(document, "images", required=True):
            ident, file_name = _as_id(item.get("id")), item.get("file_name")
            if ident is None:
                check.bad(f"{where}.id", "must be an integer or a string")
                continue
            for key in ("width", "height"):
                size = item.get(key)
                if size is not None and (type(size) is not int or size < 1):
                    check.bad(f"{where}.{key}", "must be a positive integer")
            rel = safe_relative(file_name) if isinstance(file_name, str) else None
            if rel is None:
                check.problems.error("label.bad_image_path", "file_name must be a relative path "
                                     "inside the dataset", file=check.file,
                                     json_path=f"{where}.file_name")
            elif ident in images:
                check.problems.error("label.duplicate_id", "an image id used twice",
                                     file=check.file, json_path=f"{where}.id")
            else:
                check_formulas(self._contract_values(item), check.problems, file=check.file,
                               json_path=where)
                images[ident] = _Image(rel, where, fields=set(self._fields.filled(item.items())))
        return images

    def _annotations(self, document: dict[str, object], images: dict[Id, _Image],
                     categories: dict[Id, str], check: _Structure) -> None:
        for where, item in check.objects(document, "annotations", required=False):
            image_id = _as_id(item.get("image_id"))
            if image_id is None:
                check.bad(f"{where}.image_id", "must be an integer or a string")
                continue
            image = images.get(image_id)
            if image is None:
                check.problems.error("label.unknown_image_id", "no image has this id",
                                     file=check.file, json_path=f"{where}.image_id")
                continue
            bbox = item.get("bbox")
            if bbox is not None and not _valid_bbox(bbox):
                check.bad(f"{where}.bbox", "must be [x, y, width, height], finite, sizes >= 0")
            if "category_id" in item:
                category_id = _as_id(item["category_id"])
                name = None if category_id is None else categories.get(category_id)
                if name is None:
                    check.problems.error("label.unknown_category", "no category has this id",
                                         file=check.file, json_path=f"{where}.category_id")
                else:
                    image.classes.append(name)
            check_formulas(self._contract_values(item), check.problems, file=check.file,
                           json_path=where)
            image.fields |= self._fields.filled(item.items())

    def _contract_values(self, item: dict[str, object]) -> list[tuple[str, object]]:
        return [(k, v) for k, v in item.items() if k in self._fields.names]


def _valid_bbox(bbox: object) -> bool:
    if not isinstance(bbox, list) or len(bbox) != 4:
        return False
    # Only floats can be infinite or NaN; math.isfinite would overflow on a huge int.
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
               and not (isinstance(v, float) and not math.isfinite(v)) for v in bbox):
        return False
    return bool(bbox[2] >= 0 and bbox[3] >= 0)
