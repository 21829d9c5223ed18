"""One streamed pass over the archive: every entry checked, images inspected in parallel."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from intake.contract_format import ContractRules
from intake.images import IMAGE_EXTENSIONS, ImageInfo, inspect_image, sniff_format
from intake.labels import LabelParser, LabelRecord
from intake.problems import Problems
from intake.unpack import ArchiveEntry, UnpackLimits, iter_entries

LABEL_FILE_LIMIT = 512 * 1024 * 1024
Source = Callable[[], AbstractContextManager[BinaryIO]]


@dataclass(frozen=True)
class ScannedImage:
    path: str
    sha256: str
    size: int
    info: ImageInfo


@dataclass
class DatasetScan:
    entries: int = 0
    label_files: int = 0
    images_seen: int = 0
    images: dict[str, ScannedImage] = field(default_factory=dict)
    records: list[LabelRecord] = field(default_factory=list)


def scan_archive(open_source: Source, size: int, rules: ContractRules, parser: LabelParser,
                 limits: UnpackLimits, problems: Problems, workers: int,
                 on_entry: Callable[[int], None] | None = None) -> DatasetScan:
    """Check every entry; images are decoded on `workers` threads (Pillow and hashlib release
    the GIL), with a bounded number in flight so memory stays flat."""
    scan = DatasetScan()
    in_flight: deque[Future[ScannedImage | None]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="intake") as pool:
        for entry in _dataset_entries(open_source, size, rules, limits, problems):
            scan.entries += 1
            if on_entry is not None:
                on_entry(entry.size)
            if parser.wants(entry.path):
                _feed_label(entry, parser, problems, scan)
                continue
            data = entry.read(rules.images.max_file_bytes)
            if data is None:
                continue
            if sniff_format(data[:16]) is None and \
                    PurePosixPath(entry.path).suffix.lower() not in IMAGE_EXTENSIONS:
                problems.warning("layout.unexpected_file",
                                 "neither an image nor a label file of this layout; ignored",
                                 file=entry.path)
                continue
            scan.images_seen += 1
            in_flight.append(pool.submit(_check_image, data, entry.path, rules, problems))
            while len(in_flight) > workers * 4:
                _collect(in_flight.popleft(), scan)
        while in_flight:
            _collect(in_flight.popleft(), scan)
    scan.records = list(parser.finish(scan.images.keys(), problems))
    return scan


def _dataset_entries(open_source: Source, size: int, rules: ContractRules,
                     limits: UnpackLimits, problems: Problems) -> Iterator[ArchiveEntry]:
    root = rules.layout.root.strip("/")
    for entry in iter_entries(open_source, size, limits, problems):
        if root and not entry.path.startswith(root + "/"):
            problems.warning("layout.outside_root",
                             f"outside the contract's dataset folder '{root}'; ignored",
                             file=entry.path)
            continue
        yield entry


def _feed_label(entry: ArchiveEntry, parser: LabelParser, problems: Problems,
                scan: DatasetScan) -> None:
    data = entry.read(LABEL_FILE_LIMIT)
    if data is not None:
        scan.label_files += 1
        parser.feed(entry.path, data, problems)


def _check_image(data: bytes, path: str, rules: ContractRules,
                 problems: Problems) -> ScannedImage | None:
    info = inspect_image(data, path, rules.images, problems)
    if info is None:
        return None
    return ScannedImage(path, hashlib.sha256(data).hexdigest(), len(data), info)


def _collect(future: Future[ScannedImage | None], scan: DatasetScan) -> None:
    image = future.result()
    if image is not None:
        scan.images[image.path] = image
