"""The benchmarks' synthetic dataset: photo-like JPEGs and a CSV manifest whose captions
hold names and phone numbers, so the label step has work, packed as one tar.

Every image and every caption is distinct (a dataset rarely repeats itself, and the
anonymisation job analyses each distinct text once). The same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

CLASSES = ("cat", "dog", "bird", "car")
MANIFEST = "labels.csv"
PHOTO = (800, 600)
"""About 260 KB a JPEG: 100 MB is some 380 photos."""
THUMBNAIL = (32, 24)
"""For the label benchmark, where the images are not what is measured."""

_EN_FIRST = ("James", "Maria", "Robert", "Linda", "Michael", "Sarah", "David", "Emma",
             "Daniel", "Olivia", "Thomas", "Sophie")
_EN_LAST = ("Smith", "Johnson", "Garcia", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
            "Moore", "Jackson", "Martin", "Clarke")
_ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭"
_ZH_GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰")
_PLACES = ("the garden", "the harbour", "the market", "a park", "the station", "the old town")
_ZH_PLACES = ("公园", "车站", "市场", "海边", "老城", "校园")


@dataclass(frozen=True)
class Dataset:
    archive: Path
    items: int
    megabytes: float
    """Of the archive."""
    image_megabytes: float


def contract(anonymisation: str | None = None, free_text: bool = True) -> str:
    """The contract of the synthetic dataset: a CSV manifest, JPEGs, four classes; the
    caption is free text unless `free_text` is off; `anonymisation` is its YAML flow
    mapping, or None for the default (labels de-identified, images redacted)."""
    lines = ["name: bench", "purpose: benchmark of the dataset pipeline",
             "layout: {kind: csv_manifest, manifest: labels.csv, image_field: image, "
             "class_field: label}",
             "images: {formats: [jpeg]}",
             f"volume: {{classes: [{', '.join(CLASSES)}], min_items: 1}}",
             f"labels: {{fields: [{{name: caption, free_text: {str(free_text).lower()}}}]}}"]
    if anonymisation is not None:
        lines.append(f"anonymisation: {anonymisation}")
    return "\n".join(lines) + "\n"


def photo(rng: random.Random, size: tuple[int, int] = PHOTO) -> bytes:
    """A JPEG with gradients and noise: it compresses and decodes like a photo."""
    width, height = size
    noise = Image.effect_noise((width, height), rng.uniform(20, 40))
    red = Image.linear_gradient("L").resize((width, height)).rotate(rng.uniform(0, 360))
    blue = Image.radial_gradient("L").resize((width, height))
    buffer = io.BytesIO()
    Image.merge("RGB", (red, noise, blue)).save(buffer, "JPEG", quality=rng.randint(85, 95))
    return buffer.getvalue()


def caption(rng: random.Random, n: int) -> str:
    """A caption with a person's name and a phone number, English or Chinese in turn."""
    if n % 2:
        name = rng.choice(_ZH_SURNAMES) + rng.choice(_ZH_GIVEN)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return f"第{n}张照片，{name}摄于{rng.choice(_ZH_PLACES)}，联系电话{phone}。"
    name = f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"
    phone = f"(555) {rng.randrange(100, 1000)}-{rng.randrange(10**4):04d}"
    return f"Photo {n} of {rng.choice(_PLACES)} by {name}; call {phone} for the original."


def build(target: Path, items: int, size: tuple[int, int] = PHOTO, seed: int = 7) -> Dataset:
    """Write a tar of `items` images/NNNNNN.jpg and labels.csv (image, label, caption)."""
    rng = random.Random(seed)
    manifest = io.StringIO(newline="")
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["image", "label", "caption"])
    image_bytes = 0
    with tarfile.open(target, "w") as tar:
        for n in range(items):
            data = photo(rng, size)
            name = f"images/{n:06d}.jpg"
            _add(tar, name, data)
            writer.writerow([name, CLASSES[n % len(CLASSES)], caption(rng, n)])
            image_bytes += len(data)
        _add(tar, MANIFEST, manifest.getvalue().encode())
    return Dataset(target, items, target.stat().st_size / 1e6, image_bytes / 1e6)


def photos_in(archive: Path) -> Iterator[Image.Image]:
    """Each photo of a built archive, opened with PIL (the floors' decoding loop)."""
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name.endswith(".jpg"):
                source = tar.extractfile(member)
                assert source is not None
                with Image.open(source) as image:
                    yield image


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
