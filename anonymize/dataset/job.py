"""Anonymising a validated dataset: its raw copy in, the `anonymised` copy (and, when
de-identifying, the encrypted `mapping`) out.

A step job (`catalog.StepJob`), each database step short, as validation's: mark the dataset
`anonymising`; stream the raw archive through the rewriters into the vault (no transaction
held); then in one transaction register the copies, replace the catalog's item paths with
the anonymised ones (sealed under the dataset's key, like the originals were), store the
sealed report and mark the dataset `ready`. On any failure, what was written is deleted and
the dataset goes back to `validated`. The run's key (pseudonyms, file-name tags) is random,
lives in memory only and is discarded at the end, in both modes.
"""

from __future__ import annotations

import io
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from sqlalchemy import select, update

from anonymize.dataset.batch import Rewriting
from anonymize.dataset.image_stage import Done, ImageStage, ItemRedaction
from anonymize.dataset.labels import label_rewrite
from anonymize.dataset.mapping import MappingSink, NoMapping
from anonymize.dataset.names import PathNamer
from anonymize.dataset.plan import DatasetPlan
from anonymize.dataset.pool import text_pool
from anonymize.dataset.report import AnonymisationReport, ImageSummary
from anonymize.dataset.tally import Tally
from anonymize.dataset.tar_output import ChunkReader, tar_end, tar_member
from anonymize.events import AnonymisationFailed, AnonymisationStarted, DatasetAnonymised
from anonymize.image import ImagePlan, ImageRedactor
from anonymize.image.contact_sheet import ContactSheet
from anonymize.policy import build_policy, operator_names
from anonymize.text import Detector
from audit import Transaction, change_state
from catalog import (
    AnonymisationReportRecord,
    ConflictError,
    CopyKind,
    DatasetState,
    Item,
    StepJob,
    Tick,
    get_dataset,
    live_copies,
    new_id,
    utcnow,
)
from vault import (
    ANONYMISATION_REPORT,
    ITEM_PATH,
    DataKey,
    FieldCipher,
    RawArchive,
    StoredObject,
    VaultService,
    raw_archive,
)
from vocabulary import AnonymisationMode

OpenRaw = Callable[[], AbstractContextManager[BinaryIO]]
ImageRedactors = Callable[[ImagePlan], ImageRedactor]
LABEL_FILE_LIMIT = 512 * 1024 * 1024
_WRITE_BUFFER = 1024 * 1024
log = logging.getLogger("airlock.anonymise")


class SourceEntry(Protocol):
    """An archive entry as intake's unpacker yields it."""

    path: str

    def read(self, limit: int) -> bytes | None: ...


Unpack = Callable[[OpenRaw, int], Iterator[SourceEntry]]


class AnonymisationError(Exception):
    """The raw copy no longer matches what validation registered, or outputs would clash."""


@dataclass(frozen=True)
class AnonymisationOptions:
    engine: Callable[[], Detector]
    """This process's PII engine (loaded once per process), used when `workers` is 1."""
    workers: int = 1
    max_item_bytes: int = 2 * 1024**3
    pool_min_items: int = 5000
    """Below this many items the texts are rewritten in this process: starting worker
    processes costs several seconds of model loading (measured on 2 cores: the pool pays
    off from about 3,000 captions on 2 cores)."""
    redactor: ImageRedactors | None = None
    """Builds this process's image redactor for a plan (models loaded once per process);
    needed unless the plan keeps the images."""
    image_threads: int = 1

    def workers_for(self, items: int) -> int:
        return self.workers if items >= self.pool_min_items else 1


@dataclass
class _Outcome:
    written: list[tuple[CopyKind, str, StoredObject]] = field(default_factory=list)
    renamed: dict[int, str] = field(default_factory=dict)  # item id -> anonymised path
    redacted: dict[int, ItemRedaction] = field(default_factory=dict)  # item id -> counts
    label_files: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class _Started:
    tenant_id: str
    raw: RawArchive
    key: DataKey
    fields: FieldCipher
    items: dict[str, int]  # archive path -> item id
    began: float
    outcome: _Outcome = field(default_factory=_Outcome)
    """What producing wrote, so far: discarded if the run fails."""


class AnonymisationJob(StepJob[Transaction, _Started, AnonymisationReport]):
    """Mark the dataset `anonymising`; write the anonymised copy (and the mapping); register
    them and mark it `ready` in one unit of work. On failure, what was written is deleted and
    the dataset goes back to `validated`."""

    what = "anonymisation"

    def __init__(self, vault: VaultService, dataset_id: str, plan: DatasetPlan,
                 unpack: Unpack, options: AnonymisationOptions) -> None:
        if plan.images is not None and options.redactor is None:
            raise ValueError("the plan redacts images but no image redactor was given")
        super().__init__(dataset_id)
        self.vault = vault
        self.plan = plan
        self.unpack = unpack
        self.options = options

    def start(self, tx: Transaction) -> _Started:
        began = time.perf_counter()
        dataset_id = self.dataset_id
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        resumed = dataset.state is DatasetState.ANONYMISING  # its interruption is recorded
        if dataset.state is DatasetState.VALIDATED:
            change_state(tx, dataset, DatasetState.ANONYMISING)
        elif not resumed:
            raise ConflictError(f"dataset {dataset_id} is {dataset.state.value}; only "
                                "validated datasets are anonymised")
        raw = raw_archive(tx.session, dataset_id, dataset.upload_sha256)
        if raw is None:
            raise ConflictError(f"dataset {dataset_id} has no raw copy to anonymise")
        key = self.vault.data_key(tx.session, dataset_id)
        fields = FieldCipher(key, dataset_id)
        items = {fields.open(ITEM_PATH, path): item_id for path, item_id in tx.session.execute(
            select(Item.sealed_path, Item.id).where(Item.dataset_id == dataset_id))}
        if not resumed:
            tx.record(AnonymisationStarted(tenant=dataset.tenant_id, dataset=dataset_id,
                                           mode=self.plan.mode.value))
        return _Started(dataset.tenant_id, raw, key, fields, items, began)

    def total(self, plan: _Started) -> int:
        return len(plan.items)

    def produce(self, plan: _Started, tick: Tick) -> AnonymisationReport:
        return _produce(self.vault, self.dataset_id, self.plan, self.unpack, self.options,
                        plan, tick)

    def finish(self, tx: Transaction, plan: _Started, result: AnonymisationReport) -> None:
        dataset_id = self.dataset_id
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        if any(c.kind is CopyKind.ANONYMISED for c in live_copies(tx.session, dataset_id)):
            raise ConflictError(f"dataset {dataset_id} was anonymised by another run")
        for kind, copy_id, stored in plan.outcome.written:
            self.vault.register(tx, dataset, kind, copy_id, stored)
        _rename_items(tx, plan.fields, plan.outcome.renamed)
        _record_redactions(tx, plan.outcome.redacted)
        tx.session.merge(AnonymisationReportRecord(
            dataset_id=dataset_id,
            sealed_body=plan.fields.seal_json(ANONYMISATION_REPORT,
                                              result.model_dump(mode="json"))))
        dataset.anonymisation_mode = self.plan.mode.value
        change_state(tx, dataset, DatasetState.READY)
        tx.record(DatasetAnonymised(
            tenant=dataset.tenant_id, dataset=dataset_id, mode=self.plan.mode.value,
            items=result.items, label_files=result.label_files,
            paths_renamed=result.paths_renamed, entities=result.entities,
            mapping_copies=result.mapping_copies, key_discarded=result.key_discarded,
            images=result.images.handling, faces=result.images.faces,
            text_regions=result.images.text_regions, images_flagged=result.images.flagged))

    def discard(self, plan: _Started) -> None:
        for _, copy_id, _ in plan.outcome.written:
            try:
                self.vault.discard(self.dataset_id, copy_id)
            except Exception as error:  # the purge's prefix listing removes what is left over
                log.error("removing a partial copy of dataset %s failed: %s", self.dataset_id,
                          type(error).__name__)

    def fail(self, tx: Transaction, plan: _Started, exc: BaseException) -> None:
        dataset = get_dataset(tx.session, self.dataset_id, for_update=True)
        if dataset.state is DatasetState.ANONYMISING:
            change_state(tx, dataset, DatasetState.VALIDATED)
        tx.record(AnonymisationFailed(tenant=dataset.tenant_id, dataset=self.dataset_id,
                                      reason=type(exc).__name__))


def _produce(vault: VaultService, dataset_id: str, plan: DatasetPlan, unpack: Unpack,
             options: AnonymisationOptions, started: _Started,
             on_item: Tick) -> AnonymisationReport:
    outcome = started.outcome
    key = secrets.token_bytes(32)
    operators = operator_names(build_policy(plan.operators, key))  # checked before any work
    tally = Tally()

    def write_part(data: bytes) -> None:
        copy_id = new_id()
        stored = vault.write(started.key, dataset_id, copy_id, io.BytesIO(data))
        outcome.written.append((CopyKind.MAPPING, copy_id, stored))

    mapping = MappingSink(write_part) if plan.mode is AnonymisationMode.DEIDENTIFY else NoMapping()
    sheet = ContactSheet() if plan.images is not None else None
    with ExitStack() as stack:
        pool = stack.enter_context(text_pool(
            plan.operators, key, options.workers_for(len(started.items)), options.engine))
        stage = _image_stage(plan, options, sheet, stack)
        namer = PathNamer(pool, key, plan.fixed_names, tally, plan.rename_paths)
        prefix = plan.fixed_prefix()
        namer.prepare(p[len(prefix):] for p in started.items if p.startswith(prefix))
        producer = _Producer(plan, started, outcome, Rewriting(pool, namer, tally, mapping),
                             stage, options, on_item)
        copy_id = new_id()
        reader = io.BufferedReader(ChunkReader(producer.chunks(
            lambda: started.raw.open(vault, started.key), started.raw.size, unpack)), _WRITE_BUFFER)
        stored = vault.write(started.key, dataset_id, copy_id, reader)
        outcome.written.append((CopyKind.ANONYMISED, copy_id, stored))
    mapping.close()
    del key  # never stored; with the pool shut down, no copy of it is left in a worker
    preview = sheet.render() if sheet is not None else None
    if preview is not None:
        preview_id = new_id()
        outcome.written.append((CopyKind.REPORT, preview_id, vault.write(
            started.key, dataset_id, preview_id, io.BytesIO(preview))))
    return AnonymisationReport(
        dataset_id=dataset_id, mode=plan.mode,
        operators=operators,
        images=ImageSummary.of(plan.images, stage.tally, preview is not None),
        finished_at=utcnow().isoformat(), seconds=round(time.perf_counter() - started.began, 3),
        items=len(started.items), label_files=outcome.label_files,
        entries_dropped=outcome.dropped, texts_scanned=tally.texts,
        texts_changed=tally.texts_changed, paths_renamed=len(outcome.renamed),
        entities=dict(sorted(tally.by_type.items())),
        by_field={name: dict(sorted(c.items())) for name, c in sorted(tally.by_field.items())},
        by_operator=dict(sorted(tally.by_operator.items())),
        mapping_records=mapping.records,
        mapping_copies=sum(kind is CopyKind.MAPPING for kind, _, _ in outcome.written),
        key_discarded=True)


def _image_stage(plan: DatasetPlan, options: AnonymisationOptions,
                 sheet: ContactSheet | None, stack: ExitStack) -> ImageStage:
    if plan.images is None or options.redactor is None:
        return ImageStage(None, None, 1)
    threads = max(1, options.image_threads)
    executor = stack.enter_context(ThreadPoolExecutor(threads,
                                                      thread_name_prefix="airlock-image"))
    return ImageStage(options.redactor(plan.images), executor, 2 * threads, sheet)


class _Producer:
    """Walks the raw archive once and yields the tar of the anonymised copy."""

    def __init__(self, plan: DatasetPlan, started: _Started, outcome: _Outcome,
                 rewriting: Rewriting, stage: ImageStage, options: AnonymisationOptions,
                 on_item: Callable[[int], None]) -> None:
        self._plan = plan
        self._started = started
        self._outcome = outcome
        self._rewriting = rewriting
        self._stage = stage
        self._options = options
        self._on_item = on_item
        self._names: set[str] = set()
        self._contract_files = {plan.labels.manifest, plan.labels.annotations,
                                plan.labels.class_names} - {None}

    def chunks(self, open_raw: OpenRaw, size: int, unpack: Unpack) -> Iterator[bytes]:
        try:
            yield from self._walk(open_raw, size, unpack)
        finally:
            self._stage.cancel()

    def _walk(self, open_raw: OpenRaw, size: int, unpack: Unpack) -> Iterator[bytes]:
        seen = 0
        for entry in unpack(open_raw, size):
            if entry.path in self._started.items:
                seen += 1
                yield from self._item(entry)
            elif (rewrite := label_rewrite(self._plan.labels, entry.path)) is not None:
                data = self._read(entry, LABEL_FILE_LIMIT)
                name = self._rename(entry.path, keep=entry.path in self._contract_files)
                batch = self._rewriting.batch(entry.path)
                yield from self._member(name, rewrite(data, entry.path, name,
                                                      self._plan.labels, batch))
                self._outcome.label_files += 1
            else:
                self._outcome.dropped += 1
        if seen != len(self._started.items):
            raise AnonymisationError(f"{len(self._started.items) - seen} registered items "
                                     "are missing from the raw copy")
        for done in self._stage.drain():
            yield from self._emit(done)
        yield tar_end()

    def _item(self, entry: SourceEntry) -> Iterator[bytes]:
        data = self._read(entry, self._options.max_item_bytes)
        name = self._rename(entry.path)
        item_id = self._started.items[entry.path]
        if name != entry.path:
            self._outcome.renamed[item_id] = name
        for done in self._stage.put(item_id, name, data):
            yield from self._emit(done)

    def _emit(self, done: Done) -> Iterator[bytes]:
        if done.result is not None:  # counts only: the bytes go to the archive, not memory
            self._outcome.redacted[done.item_id] = ItemRedaction.of(done.result)
        yield from self._member(done.name, done.data)
        self._on_item(1)

    def _rename(self, path: str, keep: bool = False) -> str:
        name = path if keep else self._rewriting.namer.rename(path, self._plan.fixed_prefix())
        if name != path:
            self._rewriting.mapping.path(path, name)
        return name

    def _member(self, name: str, data: bytes) -> Iterator[bytes]:
        if name.casefold() in self._names:
            raise AnonymisationError("two files of the dataset would get the same name in the "
                                     "anonymised copy")
        self._names.add(name.casefold())
        yield from tar_member(name, data)

    @staticmethod
    def _read(entry: SourceEntry, limit: int) -> bytes:
        data = entry.read(limit)
        if data is None:
            raise AnonymisationError("an entry of the raw copy could not be read again")
        return data


def _rename_items(tx: Transaction, fields: FieldCipher, renamed: dict[int, str]) -> None:
    if renamed:
        tx.session.execute(update(Item), [{"id": i, "sealed_path": fields.seal(ITEM_PATH, p)}
                                          for i, p in renamed.items()])


def _record_redactions(tx: Transaction, redacted: dict[int, ItemRedaction]) -> None:
    if redacted:
        tx.session.execute(update(Item), [
            {"id": i, "faces": r.faces, "text_regions": r.text, "redaction_flagged": r.flagged}
            for i, r in redacted.items()])
