"""Whole test datasets: distinct images plus valid labels for every layout, packed as
zip, tar or tar.gz, with the contract that accepts them."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from PIL import Image

from tests.intake.labels import samples
from vocabulary import Layout

CLASSES = ("cat", "dog")
CONTRACTS: dict[Layout, str] = {
    Layout.CLASS_FOLDERS: "layout: {kind: class_folders, root: data}",
    Layout.CSV_MANIFEST: "layout: {kind: csv_manifest, manifest: labels.csv}",
    Layout.JSONL_MANIFEST: "layout: {kind: jsonl_manifest, manifest: labels.jsonl}",
    Layout.COCO: "layout: {kind: coco, annotations: annotations.json, images_dir: images}",
    Layout.YOLO: "layout: {kind: yolo, images_dir: images, labels_dir: labels, "
                 "class_names: classes.txt}",
    Layout.VOC: "layout: {kind: voc, images_dir: JPEGImages, labels_dir: Annotations}",
}
IMAGES_DIR = {Layout.VOC: "JPEGImages", Layout.CLASS_FOLDERS: ""}


def contract_yaml(layout: Layout, name: str | None = None, extra: str = "") -> str:
    fields = "" if layout in (Layout.YOLO, Layout.CLASS_FOLDERS) else \
        "labels: {fields: [{name: caption, free_text: true}]}\n"
    return (f"name: {name or layout.value.replace('_', '-')}\n"
            "purpose: training an animal classifier\n"
            f"{CONTRACTS[layout]}\n"
            "images: {formats: [jpeg, png]}\n"
            "volume: {classes: [cat, dog], min_items: 2, min_items_per_class: 1}\n"
            f"{fields}{extra}")


def image(seed: int, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 37 % 256, seed * 11 % 256, seed % 256)).save(buffer, fmt)
    return buffer.getvalue()


_BUILDERS: dict[Layout, Callable[[list[samples.Item]], dict[str, bytes]]] = {
    Layout.CSV_MANIFEST: samples.csv_manifest,
    Layout.JSONL_MANIFEST: samples.jsonl_manifest,
    Layout.COCO: lambda items: samples.coco(items, images_dir="images"),
    Layout.YOLO: samples.yolo,
    Layout.VOC: samples.voc,
}


def dataset_files(layout: Layout, count: int = 6) -> dict[str, bytes]:
    """Valid files of a dataset in `layout`: `count` distinct images, half cats, half dogs."""
    folder = IMAGES_DIR.get(layout, "images")
    items: list[samples.Item] = [
        (f"{folder}/img{n:03d}.jpg", CLASSES[n % 2], {"caption": f"张三 138001380{n:02d}"})
        for n in range(count)]
    if layout is Layout.CLASS_FOLDERS:
        return {f"data/{path}": image(n) for n, path in
                enumerate(samples.class_folder_paths(items))}
    files = {path: image(n) for n, (path, _, _) in enumerate(items)}
    files.update(_BUILDERS[layout](items))
    return files


def dataset_folder(root: Path, layout: Layout, count: int = 6) -> Path:
    """`dataset_files` written under `root`, which is returned."""
    for path, data in dataset_files(layout, count).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def pack(files: Mapping[str, bytes], fmt: str = "zip") -> bytes:
    buffer = io.BytesIO()
    if fmt == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, data in files.items():
                archive.writestr(path, data)
        return buffer.getvalue()
    with tarfile.open(fileobj=buffer, mode="w:gz" if fmt == "tar.gz" else "w") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
