"""One streamed pass over a dataset's entries: every entry checked, the same way whether it
comes from an uploaded archive (images inspected in parallel) or from a pre-flight manifest
(images declared by size and SHA-256, their pixels not seen)."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO, Protocol, TypeVar

from intake.contract_format import ContractRules
from intake.images import IMAGE_EXTENSIONS, ImageInfo, inspect_image, sniff_format
from intake.labels import LabelParser, LabelRecord
from intake.problems import Problems
from intake.unpack import UnpackLimits, iter_entries

LABEL_FILE_LIMIT = 512 * 1024 * 1024
Source = Callable[[], AbstractContextManager[BinaryIO]]
Keep = Callable[[str, bytes], None]
"""Given each file's path and content as it is read (validation re-cuts the upload into
shards as it goes)."""


class ScanEntry(Protocol):
    """A file of the dataset: an archive's entry, or a manifest's line."""

    @property
    def path(self) -> str: ...

    @property
    def size(self) -> int: ...

    def read(self, limit: int) -> bytes | None:
        """The content, at most `limit` bytes; None (the problem recorded) otherwise."""
        ...


@dataclass(frozen=True)
class ScannedImage:
    path: str
    sha256: str
    size: int
    info: ImageInfo | None
    """None when only declared (pre-flight): no pixel was seen."""


@dataclass
class DatasetScan:
    entries: int = 0
    label_files: int = 0
    images_seen: int = 0
    images: dict[str, ScannedImage] = field(default_factory=dict)
    records: list[LabelRecord] = field(default_factory=list)


E = TypeVar("E", bound=ScanEntry)
E_contra = TypeVar("E_contra", bound=ScanEntry, contravariant=True)


class ImageCheck(Protocol[E_contra]):
    """What becomes of an entry that is not a label file."""

    def take(self, entry: E_contra, scan: DatasetScan) -> None: ...

    def finish(self, scan: DatasetScan) -> None: ...


def scan_entries(entries: Iterable[E], rules: ContractRules, parser: LabelParser,
                 images: ImageCheck[E], problems: Problems,
                 on_entry: Callable[[int], None] | None = None) -> DatasetScan:
    """The pass itself: the layout's root, label files to the parser, the rest to `images`."""
    scan = DatasetScan()
    for entry in _within_root(entries, rules, problems):
        scan.entries += 1
        if on_entry is not None:
            on_entry(entry.size)
        if parser.wants(entry.path):
            _feed_label(entry, parser, problems, scan)
        else:
            images.take(entry, scan)
    images.finish(scan)
    scan.records = list(parser.finish(scan.images.keys(), problems))
    return scan


def scan_archive(open_source: Source, size: int, rules: ContractRules, parser: LabelParser,
                 limits: UnpackLimits, problems: Problems, workers: int,
                 on_entry: Callable[[int], None] | None = None,
                 keep: Keep | None = None) -> DatasetScan:
    """Check every entry of an archive; images are decoded on `workers` threads. Every file
    read is also given to `keep`."""
    entries: Iterable[ScanEntry] = iter_entries(open_source, size, limits, problems)
    if keep is not None:
        entries = (_Kept(entry, keep) for entry in entries)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="intake") as pool:
        return scan_entries(entries, rules, parser,
                            DecodedImages(pool, workers, rules, problems), problems, on_entry)


@dataclass(frozen=True)
class _Kept:
    """An entry whose content, once read, also goes to `keep`."""

    entry: ScanEntry
    keep: Keep

    @property
    def path(self) -> str:
        return self.entry.path

    @property
    def size(self) -> int:
        return self.entry.size

    def read(self, limit: int) -> bytes | None:
        data = self.entry.read(limit)
        if data is not None:
            self.keep(self.entry.path, data)
        return data


def is_image_name(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in IMAGE_EXTENSIONS


def unexpected_file(path: str, problems: Problems) -> None:
    problems.warning("layout.unexpected_file",
                     "neither an image nor a label file of this layout; ignored", file=path)


class DecodedImages:
    """An archive's images: read, recognised by magic bytes or name, decoded on the pool's
    threads (Pillow and hashlib release the GIL) with a bounded number in flight, so memory
    stays flat."""

    def __init__(self, pool: ThreadPoolExecutor, workers: int, rules: ContractRules,
                 problems: Problems) -> None:
        self._pool = pool
        self._workers = workers
        self._rules = rules
        self._problems = problems
        self._in_flight: deque[Future[ScannedImage | None]] = deque()

    def take(self, entry: ScanEntry, scan: DatasetScan) -> None:
        data = entry.read(self._rules.images.max_file_bytes)
        if data is None:
            return
        if sniff_format(data[:16]) is None and not is_image_name(entry.path):
            unexpected_file(entry.path, self._problems)
            return
        scan.images_seen += 1
        self._in_flight.append(self._pool.submit(_check_image, data, entry.path, self._rules,
                                                 self._problems))
        while len(self._in_flight) > self._workers * 4:
            _collect(self._in_flight.popleft(), scan)

    def finish(self, scan: DatasetScan) -> None:
        while self._in_flight:
            _collect(self._in_flight.popleft(), scan)


def _within_root(entries: Iterable[E], rules: ContractRules,
                 problems: Problems) -> Iterator[E]:
    root = rules.layout.root.strip("/")
    for entry in entries:
        if root and not entry.path.startswith(root + "/"):
            problems.warning("layout.outside_root",
                             f"outside the contract's dataset folder '{root}'; ignored",
                             file=entry.path)
            continue
        yield entry


def _feed_label(entry: ScanEntry, parser: LabelParser, problems: Problems,
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
