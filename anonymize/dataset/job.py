"""Anonymising a validated dataset: its raw shards in, the `anonymised` shards (and, when
de-identifying, the encrypted `mapping`) out.

A step job (`catalog.StepJob`), each database step short, as validation's: mark the dataset
`anonymising`; then, with no transaction held, name every item, send each image shard to a
shard task (here, or on a cluster: `ShardRunner`), and rewrite the label shards here while
they run; then in one transaction register the shards, replace the catalog's item paths with
the anonymised ones (sealed under the dataset's key, like the originals were), store the
sealed report and mark the dataset `ready`. On any failure, what was written is deleted and
the dataset goes back to `validated`. The run's key (pseudonyms, file-name tags) is random,
lives in this process's memory only and is discarded at the end, in both modes: shard tasks
never need it, they are given the names.
"""

from __future__ import annotations

import io
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

from sqlalchemy import select, update

from anonymize.dataset.batch import Rewriting
from anonymize.dataset.errors import AnonymisationError
from anonymize.dataset.image_stage import ImageTally, ItemRedaction
from anonymize.dataset.labels import label_rewrite
from anonymize.dataset.mapping import MappingSink, NoMapping
from anonymize.dataset.names import PathNamer
from anonymize.dataset.plan import DatasetPlan
from anonymize.dataset.pool import text_pool
from anonymize.dataset.report import AnonymisationReport, ImageSummary
from anonymize.dataset.shard_task import ShardResult, ShardRunner, ShardTask
from anonymize.dataset.tally import Tally
from anonymize.events import AnonymisationFailed, AnonymisationStarted, DatasetAnonymised
from anonymize.image.contact_sheet import ContactSheet
from anonymize.policy import build_policy, operator_names
from anonymize.text import Detector
from audit import Transaction, change_state
from catalog import (
    Advance,
    AnonymisationReportRecord,
    ConflictError,
    CopyKind,
    DatasetState,
    Item,
    StepJob,
    get_dataset,
    live_copies,
    new_id,
    utcnow,
)
from vault import (
    ANONYMISATION_REPORT,
    ITEM_PATH,
    SHARD_NAMES,
    ChunkReader,
    DataKey,
    FieldCipher,
    StoredObject,
    VaultService,
    shard_copy_id,
    shard_files,
    tar_end,
    tar_member,
)
from vocabulary import AnonymisationMode

LABEL_FILE_LIMIT = 512 * 1024 * 1024
_WRITE_BUFFER = 1024 * 1024
log = logging.getLogger("airlock.anonymise")


@dataclass(frozen=True)
class AnonymisationOptions:
    engine: Callable[[], Detector]
    """This process's PII engine (loaded once per process), used when `workers` is 1."""
    shards: ShardRunner
    """Runs the image shards' tasks: in this process, or on the cluster."""
    workers: int = 1
    max_item_bytes: int = 2 * 1024**3
    max_pixels: int = 50_000_000
    run_key: Callable[[], bytes] = lambda: secrets.token_bytes(32)
    """The run's pseudonym and tag key: random, unless a test compares two runs."""
    pool_min_items: int = 5000
    """Below this many items the texts are rewritten in this process: starting worker
    processes costs several seconds of model loading (measured on 2 cores: the pool pays
    off from about 3,000 captions on 2 cores)."""

    def workers_for(self, items: int) -> int:
        return self.workers if items >= self.pool_min_items else 1


Written = tuple[CopyKind, str, StoredObject, int | None]
"""A copy written by the run: its kind, id, object and shard index."""


@dataclass
class _Outcome:
    written: list[Written] = field(default_factory=list)
    renamed: dict[int, str] = field(default_factory=dict)  # item id -> anonymised path
    redacted: dict[int, ItemRedaction] = field(default_factory=dict)  # item id -> counts
    images: ImageTally = field(default_factory=ImageTally)
    label_files: int = 0
    dropped: int = 0
    workers: set[str] = field(default_factory=set)
    planned: list[str] = field(default_factory=list)
    """The shard tasks' copy ids: a task cut off may have written its shard, unrecorded."""


@dataclass(frozen=True)
class _Started:
    tenant_id: str
    shards: dict[int, str]
    """The raw shards: index -> copy id."""
    wrapped: bytes
    key: DataKey
    fields: FieldCipher
    items: dict[str, int]  # archive path -> item id
    shard_items: dict[int, list[str]]  # raw shard index -> its items' paths
    began: float
    outcome: _Outcome = field(default_factory=_Outcome)
    """What producing wrote, so far: discarded if the run fails."""


class AnonymisationJob(StepJob[Transaction, _Started, AnonymisationReport]):
    """Mark the dataset `anonymising`; write the anonymised shards (and the mapping); register
    them and mark it `ready` in one unit of work. On failure, what was written is deleted and
    the dataset goes back to `validated`."""

    what = "anonymisation"

    def __init__(self, vault: VaultService, dataset_id: str, plan: DatasetPlan,
                 options: AnonymisationOptions) -> None:
        super().__init__(dataset_id)
        self.vault = vault
        self.plan = plan
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
        shards = {c.shard: c.id for c in live_copies(tx.session, dataset_id)
                  if c.kind is CopyKind.RAW_SHARD and c.shard is not None}
        wrapped = self.vault.wrapped_key(tx.session, dataset_id)
        key = self.vault.unwrap(dataset_id, wrapped)
        fields = FieldCipher(key, dataset_id)
        items: dict[str, int] = {}
        shard_items: dict[int, list[str]] = {}
        for sealed, item_id, shard in tx.session.execute(
                select(Item.sealed_path, Item.id, Item.shard)
                .where(Item.dataset_id == dataset_id).order_by(Item.id)):
            if shard not in shards:
                raise ConflictError(f"dataset {dataset_id} has no raw shard for one of its "
                                    "items (validated before datasets were sharded?)")
            path = fields.open(ITEM_PATH, sealed)
            items[path] = item_id
            shard_items.setdefault(shard, []).append(path)
        if not resumed:
            tx.record(AnonymisationStarted(tenant=dataset.tenant_id, dataset=dataset_id,
                                           mode=self.plan.mode.value))
        return _Started(dataset.tenant_id, shards, wrapped, key, fields, items, shard_items,
                        began)

    def total(self, plan: _Started) -> int:
        return len(plan.items)

    def shards(self, plan: _Started) -> int:
        """Every raw shard of the dataset, as the report's `shards` counts them: the image
        shards (one task each, done when its result arrives, from this process or a cluster
        alike) and the label shards (rewritten here, done when written)."""
        return len(plan.shards)

    def produce(self, plan: _Started, progress: Advance) -> AnonymisationReport:
        return _produce(self.vault, self.dataset_id, self.plan, self.options, plan, progress)

    def finish(self, tx: Transaction, plan: _Started, result: AnonymisationReport) -> None:
        dataset_id = self.dataset_id
        dataset = get_dataset(tx.session, dataset_id, for_update=True)
        if any(c.kind is CopyKind.ANONYMISED for c in live_copies(tx.session, dataset_id)):
            raise ConflictError(f"dataset {dataset_id} was anonymised by another run")
        for kind, copy_id, stored, shard in plan.outcome.written:
            self.vault.register(tx, dataset, kind, copy_id, stored, shard=shard)
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
        written = {copy_id for _, copy_id, _, _ in plan.outcome.written}
        for copy_id in sorted(written | set(plan.outcome.planned)):
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


def _produce(vault: VaultService, dataset_id: str, plan: DatasetPlan,
             options: AnonymisationOptions, started: _Started,
             progress: Advance) -> AnonymisationReport:
    outcome = started.outcome
    key = options.run_key()
    operators = operator_names(build_policy(plan.operators, key))  # checked before any work
    tally = Tally()
    run_id = new_id()

    def write_part(data: bytes) -> None:
        copy_id = new_id()
        stored = vault.write(started.key, dataset_id, copy_id, io.BytesIO(data))
        outcome.written.append((CopyKind.MAPPING, copy_id, stored, None))

    mapping = MappingSink(write_part) if plan.mode is AnonymisationMode.DEIDENTIFY else NoMapping()
    sheet = ContactSheet() if plan.images is not None else None
    with text_pool(plan.operators, key, options.workers_for(len(started.items)),
                   options.engine) as pool:
        namer = PathNamer(pool, key, plan.fixed_names, tally, plan.rename_paths)
        prefix = plan.fixed_prefix()
        namer.prepare(p[len(prefix):] for p in started.items if p.startswith(prefix))
        names = _Names(plan, Rewriting(pool, namer, tally, mapping))
        tasks = _tasks(dataset_id, plan, options, started, names, run_id,
                       sheet.limit if sheet is not None else 0)
        outcome.planned.extend(task.output_copy for task in tasks)
        with closing(options.shards(tasks, progress.advanced)) as results:  # a cluster starts
            for index, copy_id in sorted(started.shards.items()):
                if index not in started.shard_items:
                    _rewrite_labels(vault, dataset_id, started, names, index, copy_id,
                                    shard_copy_id(run_id, index))
                    progress.shard_done()
            for result in results:  # in completion order, whichever executor ran them
                _record_shard(result, outcome, sheet)
                progress.shard_done()
    mapping.close()
    del key  # never stored; with the pool shut down, no copy of it is left in a worker
    preview = sheet.render() if sheet is not None else None
    if preview is not None:
        preview_id = new_id()
        outcome.written.append((CopyKind.REPORT, preview_id, vault.write(
            started.key, dataset_id, preview_id, io.BytesIO(preview)), None))
    return AnonymisationReport(
        dataset_id=dataset_id, mode=plan.mode,
        operators=operators,
        images=ImageSummary.of(plan.images, outcome.images, preview is not None),
        finished_at=utcnow().isoformat(), seconds=round(time.perf_counter() - started.began, 3),
        items=len(started.items), label_files=outcome.label_files,
        entries_dropped=outcome.dropped, texts_scanned=tally.texts,
        texts_changed=tally.texts_changed, paths_renamed=len(outcome.renamed),
        entities=dict(sorted(tally.by_type.items())),
        by_field={name: dict(sorted(c.items())) for name, c in sorted(tally.by_field.items())},
        by_operator=dict(sorted(tally.by_operator.items())),
        mapping_records=mapping.records,
        mapping_copies=sum(kind is CopyKind.MAPPING for kind, _, _, _ in outcome.written),
        key_discarded=True, shards=len(started.shards), processes=len(outcome.workers))


class _Names:
    """Every file's name in the anonymised copy: renamed, recorded in the mapping, and never
    two the same (compared without case, as the file systems they land on may)."""

    def __init__(self, plan: DatasetPlan, rewriting: Rewriting) -> None:
        self.plan = plan
        self.rewriting = rewriting
        self._taken: set[str] = set()
        self._contract_files = {plan.labels.manifest, plan.labels.annotations,
                                plan.labels.class_names} - {None}

    def of(self, path: str) -> str:
        keep = path in self._contract_files
        name = path if keep else self.rewriting.namer.rename(path, self.plan.fixed_prefix())
        if name != path:
            self.rewriting.mapping.path(path, name)
        if name.casefold() in self._taken:
            raise AnonymisationError("two files of the dataset would get the same name in the "
                                     "anonymised copy")
        self._taken.add(name.casefold())
        return name


def _tasks(dataset_id: str, plan: DatasetPlan, options: AnonymisationOptions,
           started: _Started, names: _Names, run_id: str, thumbnails: int) -> list[ShardTask]:
    tasks: list[ShardTask] = []
    for index, paths in sorted(started.shard_items.items()):
        named: dict[str, list[int | str]] = {}
        for path in paths:
            item_id, name = started.items[path], names.of(path)
            named[path] = [item_id, name]
            if name != path:
                started.outcome.renamed[item_id] = name
        tasks.append(ShardTask(
            dataset_id=dataset_id, index=index, wrapped_key=started.wrapped,
            source_copy=started.shards[index], output_copy=shard_copy_id(run_id, index),
            sealed_names=started.fields.seal_json(SHARD_NAMES, named), images=plan.images,
            max_pixels=options.max_pixels, max_item_bytes=options.max_item_bytes,
            thumbnails=thumbnails if not tasks else 0))
    return tasks


def _rewrite_labels(vault: VaultService, dataset_id: str, started: _Started, names: _Names,
                    index: int, source: str, output: str) -> None:
    """A shard of label files (and of files that are neither: dropped), rewritten here."""
    outcome = started.outcome

    def members() -> Iterator[bytes]:
        with vault.reader(started.key, dataset_id, source) as stream:
            for path, data in shard_files(stream, LABEL_FILE_LIMIT):
                rewrite = label_rewrite(names.plan.labels, path)
                if rewrite is None:
                    outcome.dropped += 1
                    continue
                name = names.of(path)
                batch = names.rewriting.batch(path)
                yield from tar_member(name, rewrite(data, path, name, names.plan.labels, batch))
                outcome.label_files += 1
        yield tar_end()

    stored = vault.write(started.key, dataset_id, output,
                         io.BufferedReader(ChunkReader(members()), _WRITE_BUFFER))
    outcome.written.append((CopyKind.ANONYMISED, output, stored, index))


def _record_shard(result: ShardResult, outcome: _Outcome, sheet: ContactSheet | None) -> None:
    outcome.written.append((CopyKind.ANONYMISED, result.output_copy, result.stored,
                            result.index))
    outcome.redacted.update(result.redacted)
    outcome.images.merge(result.tally)
    outcome.dropped += result.dropped
    outcome.workers.add(result.worker)
    if sheet is not None:
        for thumbnail in result.thumbnails:
            sheet.add(thumbnail)


def _rename_items(tx: Transaction, fields: FieldCipher, renamed: dict[int, str]) -> None:
    if renamed:
        tx.session.execute(update(Item), [{"id": i, "sealed_path": fields.seal(ITEM_PATH, p)}
                                          for i, p in renamed.items()])


def _record_redactions(tx: Transaction, redacted: dict[int, ItemRedaction]) -> None:
    if redacted:
        tx.session.execute(update(Item), [
            {"id": i, "faces": r.faces, "text_regions": r.text, "redaction_flagged": r.flagged}
            for i, r in redacted.items()])
