"""One image shard's anonymisation: the unit of work a local process or a cluster worker runs.

A task carries nothing readable without the dataset's key: the key itself only wrapped by
the master key, the shard's item names only sealed under the key. The worker unwraps the key
through its own master key (or KMS), reads the raw shard from the vault, redacts its images,
writes the anonymised shard under an id fixed by the coordinator, and returns counts. A task
retried (its worker died) writes the same object again; only the coordinator registers it,
once every shard is done, so a shard half written is never registered.
"""

from __future__ import annotations

import io
import os
import socket
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Protocol

from anonymize.dataset.errors import AnonymisationError
from anonymize.dataset.image_stage import Done, ImageStage, ImageTally, ItemRedaction
from anonymize.image import ImagePlan, ImageRedactor
from anonymize.image.contact_sheet import ContactSheet
from anonymize.image.regions import Pixels
from vault import (
    SHARD_NAMES,
    ChunkReader,
    FieldCipher,
    StoredObject,
    VaultService,
    shard_files,
    tar_end,
    tar_member,
)

_WRITE_BUFFER = 1024 * 1024


class ShardParts(Protocol):
    """What a process needs to run shard tasks: its vault (its own master key or KMS
    client) and its image models, loaded once per process."""

    @property
    def vault(self) -> VaultService: ...

    def redactor(self, plan: ImagePlan, max_pixels: int) -> ImageRedactor: ...

    @property
    def image_threads(self) -> int: ...


@dataclass(frozen=True)
class ShardTask:
    dataset_id: str
    index: int
    wrapped_key: bytes = field(repr=False)
    """The dataset's data key, wrapped by the master key."""
    source_copy: str
    """The raw shard."""
    output_copy: str
    """The anonymised shard's copy id: the same for every try of the task."""
    sealed_names: bytes = field(repr=False)
    """{raw path: [item id, anonymised name]} of the shard's items, sealed under the key.
    Neither blob is shown in a task's repr, which a cluster's logs may print."""
    images: ImagePlan | None
    """How to redact; None: the images are copied unchanged."""
    max_pixels: int
    max_item_bytes: int
    thumbnails: int = 0
    """Redacted thumbnails to return for the dataset's contact sheet."""


@dataclass(frozen=True)
class ShardResult:
    index: int
    output_copy: str
    stored: StoredObject
    items: int
    """Items of the task found and written."""
    dropped: int
    """Files of the shard that are not items (validation warned about them)."""
    redacted: dict[int, ItemRedaction] = field(default_factory=dict)
    tally: ImageTally = field(default_factory=ImageTally)
    thumbnails: list[Pixels] = field(default_factory=list)
    worker: str = ""
    """Which process ran it (`host:pid`)."""
    seconds: float = 0.0


def anonymise_shard(task: ShardTask, parts: ShardParts,
                    on_item: Callable[[int], None] | None = None) -> ShardResult:
    """Read the raw shard, redact its items, write the anonymised shard; `on_item` is told
    of each item written (in this process: the step's progress)."""
    began = time.perf_counter()
    vault = parts.vault
    key = vault.unwrap(task.dataset_id, task.wrapped_key)
    names: dict[str, list[int | str]] = FieldCipher(key, task.dataset_id).open_json(
        SHARD_NAMES, task.sealed_names)
    sheet = ContactSheet(limit=task.thumbnails) if task.thumbnails else None
    counts = _Counts()
    with ExitStack() as stack:
        stage = _stage(task, parts, sheet, stack)
        source = stack.enter_context(vault.reader(key, task.dataset_id, task.source_copy))
        members = _members(shard_files(source, task.max_item_bytes), names, stage, counts,
                           on_item or _no_progress)
        stored = vault.write(key, task.dataset_id, task.output_copy,
                             io.BufferedReader(ChunkReader(members), _WRITE_BUFFER))
    if counts.items != len(names):
        raise ShardIncompleteError(f"{len(names) - counts.items} registered items are "
                                   f"missing from raw shard {task.index}")
    return ShardResult(task.index, task.output_copy, stored, counts.items, counts.dropped,
                       counts.redacted, stage.tally, sheet.thumbnails if sheet is not None else [],
                       f"{socket.gethostname()}:{os.getpid()}",
                       round(time.perf_counter() - began, 3))


class ShardIncompleteError(AnonymisationError):
    """The raw shard no longer holds every item validation put in it."""


@dataclass
class _Counts:
    items: int = 0
    dropped: int = 0
    redacted: dict[int, ItemRedaction] = field(default_factory=dict)


def _stage(task: ShardTask, parts: ShardParts, sheet: ContactSheet | None,
           stack: ExitStack) -> ImageStage:
    if task.images is None:
        return ImageStage(None, None, 1)
    threads = max(1, parts.image_threads)
    executor = stack.enter_context(ThreadPoolExecutor(threads,
                                                      thread_name_prefix="airlock-image"))
    return ImageStage(parts.redactor(task.images, task.max_pixels), executor, 2 * threads,
                      sheet)


def _no_progress(_items: int) -> None:
    pass


def _members(files: Iterator[tuple[str, bytes]], names: dict[str, list[int | str]],
             stage: ImageStage, counts: _Counts,
             on_item: Callable[[int], None]) -> Iterator[bytes]:
    try:
        for path, data in files:
            entry = names.get(path)
            if entry is None:
                counts.dropped += 1
                continue
            item_id, name = entry
            assert isinstance(item_id, int)
            assert isinstance(name, str)
            for done in stage.put(item_id, name, data):
                yield from _emit(done, counts)
                on_item(1)
        for done in stage.drain():
            yield from _emit(done, counts)
            on_item(1)
        yield tar_end()
    finally:
        stage.cancel()


def _emit(done: Done, counts: _Counts) -> Iterator[bytes]:
    counts.items += 1
    if done.result is not None:
        counts.redacted[done.item_id] = ItemRedaction.of(done.result)
    yield from tar_member(done.name, done.data)


ShardRunner = Callable[[list[ShardTask], Callable[[int], None]],
                      Generator[ShardResult, None, None]]
"""Starts shard tasks (here, or on a cluster) and yields their results as they complete,
telling the callable of items done as it learns of them; closing it early cancels the
rest."""
