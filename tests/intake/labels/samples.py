"""Builders of valid label files for every layout, for these tests and end-to-end datasets.

Each takes items `(image path relative to the dataset root, class, {field: value})` and
returns `{path relative to the dataset root: file bytes}`; prefix the contract's `root`.
Several items for the same image become several objects on it where the layout allows.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
from collections.abc import Mapping, Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

Item = tuple[str, str, Mapping[str, str]]


def class_folder_paths(items: Sequence[Item]) -> list[str]:
    """class_folders has no label file: where each image must sit, `<class>/<file name>`."""
    return [f"{cls}/{posixpath.basename(image)}" for image, cls, _ in items]


def csv_manifest(items: Sequence[Item], *, manifest: str = "labels.csv", image_field: str = "image",
                 class_field: str = "label") -> dict[str, bytes]:
    names = sorted({name for _, _, fields in items for name in fields})
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([image_field, class_field, *names])
    for image, cls, fields in items:
        writer.writerow([image, cls, *(fields.get(n, "") for n in names)])
    return {manifest: out.getvalue().encode()}


def jsonl_manifest(items: Sequence[Item], *, manifest: str = "labels.jsonl",
                   image_field: str = "image", class_field: str = "label") -> dict[str, bytes]:
    lines = [json.dumps({image_field: image, class_field: cls, **fields}, ensure_ascii=False)
             for image, cls, fields in items]
    return {manifest: ("\n".join(lines) + "\n").encode()}


def coco(items: Sequence[Item], *, annotations: str = "annotations.json",
         images_dir: str = "") -> dict[str, bytes]:
    """Fields go on the annotations (as COCO captions do)."""
    categories = {cls: i for i, cls in enumerate(sorted({cls for _, cls, _ in items}), start=1)}
    image_ids: dict[str, int] = {}
    anns = []
    for i, (image, cls, fields) in enumerate(items, start=1):
        image_id = image_ids.setdefault(image, len(image_ids) + 1)
        anns.append({"id": i, "image_id": image_id, "category_id": categories[cls],
                     "bbox": [1.0, 2.0, 10.0, 20.0], **fields})
    document = {
        "images": [{"id": i, "file_name": _relative(image, images_dir), "width": 64,
                    "height": 48} for image, i in image_ids.items()],
        "annotations": anns,
        "categories": [{"id": i, "name": cls} for cls, i in categories.items()],
    }
    return {annotations: json.dumps(document, ensure_ascii=False).encode()}


def yolo(items: Sequence[Item], *, images_dir: str = "images", labels_dir: str = "labels",
         class_names: str = "classes.txt") -> dict[str, bytes]:
    """Fields are dropped: YOLO has none. Class indices follow the sorted class names."""
    names = sorted({cls for _, cls, _ in items})
    files: dict[str, list[str]] = {}
    for image, cls, _ in items:
        txt = posixpath.join(labels_dir, posixpath.splitext(_relative(image, images_dir))[0])
        files.setdefault(txt + ".txt", []).append(f"{names.index(cls)} 0.5 0.5 0.25 0.25")
    out = {path: ("\n".join(lines) + "\n").encode() for path, lines in files.items()}
    out[class_names] = ("\n".join(names) + "\n").encode()
    return out


def voc(items: Sequence[Item], *, images_dir: str = "JPEGImages",
        labels_dir: str = "Annotations") -> dict[str, bytes]:
    """Fields go on the <annotation>."""
    roots: dict[str, Element] = {}
    for image, cls, fields in items:
        rel = _relative(image, images_dir)
        root = roots.get(rel)
        if root is None:
            root = roots[rel] = Element("annotation")
            SubElement(root, "filename").text = rel
            for name, value in fields.items():
                SubElement(root, name).text = value
        obj = SubElement(root, "object")
        SubElement(obj, "name").text = cls
        box = SubElement(obj, "bndbox")
        for tag, value in (("xmin", "1"), ("ymin", "2"), ("xmax", "11"), ("ymax", "22")):
            SubElement(box, tag).text = value
    return {posixpath.join(labels_dir, posixpath.splitext(rel)[0] + ".xml"):
            tostring(root, encoding="utf-8", xml_declaration=True) for rel, root in roots.items()}


def _relative(image: str, folder: str) -> str:
    if not folder:
        return image
    assert image.startswith(folder + "/"), f"{image} is not under {folder}"
    return image[len(folder) + 1:]
