"""Multipart uploads: an archive sent as numbered parts, in any order, in parallel, resumed.

One upload is one dataset with one data key, created when the upload opens. Each part
streams straight into the vault, encrypted, as its own raw copy (no plaintext on disk, memory
flat); the vault's write gives its plaintext SHA-256, which must match the digest the client
sent with it, or the object is discarded and the part refused. A part sent again replaces
the earlier one. Completion checks the whole archive's SHA-256 over the parts in order
against the one declared at the start. Nothing here deletes a dataset: an aborted, failed or
expired upload is handed to the pipeline, whose purge certifies it.

Writes happen outside any transaction (a part may take minutes and SQLite has one writer);
the short transactions around them lock the upload's row, so parallel parts, completion and
abort serialise on it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from audit import Transactions
from catalog import (
    Clock,
    ConflictError,
    Contract,
    CopyKind,
    Dataset,
    StoredCopy,
    Upload,
    UploadPart,
    UploadState,
    create_dataset,
    get_dataset,
    get_upload,
    new_id,
    upload_of_dataset,
    upload_parts,
)
from intake.archive_digest import FOLLOWER, Hasher
from intake.events import (
    MultipartPartStored,
    MultipartUploadAborted,
    MultipartUploadCompleted,
    MultipartUploadCreated,
    MultipartUploadExpired,
    UploadFailed,
    UploadReceived,
)
from intake.upload import LimitedReader
from vault import DataKey, VaultService, raw_archive

log = logging.getLogger("intake.multipart")

MAX_PART_SIZE = 1024**3
MAX_PARTS = 10_000


@dataclass(frozen=True)
class MultipartRules:
    max_bytes: int
    """AIRLOCK_MAX_UPLOAD_BYTES."""
    default_part_size: int
    min_part_size: int
    expiry: timedelta
    """How long an upload stays open after its last activity."""


class PartRefusedError(ValueError):
    """The part's number or length is not what the upload expects; nothing was kept."""


class PartDigestMismatchError(Exception):
    """The part's bytes do not have the SHA-256 the client sent; nothing was kept."""


class UploadNotOpenError(ConflictError):
    def __init__(self, upload: Upload, now: datetime) -> None:
        state = UploadState.EXPIRED.value if _expired(upload, now) else upload.state
        super().__init__(f"upload {upload.id} is {state}; it takes no more parts")
        self.state = state


class IncompleteUploadError(ConflictError):
    def __init__(self, upload_id: str, missing: list[int]) -> None:
        super().__init__(f"upload {upload_id} misses {len(missing)} part(s)")
        self.missing = missing


class ArchiveDigestMismatchError(Exception):
    """The parts together do not have the declared SHA-256: the upload failed."""

    def __init__(self, dataset_id: str) -> None:
        super().__init__(f"the parts do not have the declared SHA-256; dataset {dataset_id} "
                         "is purged, with a certificate")
        self.dataset_id = dataset_id


def plan_parts(size: int, part_size: int | None, rules: MultipartRules) -> tuple[int, int]:
    """The part size and number of parts; ValueError naming the bound that is broken."""
    if not 1 <= size <= rules.max_bytes:
        raise ValueError(f"size must be between 1 and {rules.max_bytes} bytes")
    if part_size is None:
        part_size = max(rules.default_part_size, -(-size // MAX_PARTS))
    if not rules.min_part_size <= part_size <= MAX_PART_SIZE:
        raise ValueError(f"part_size must be between {rules.min_part_size} and "
                         f"{MAX_PART_SIZE} bytes")
    parts = -(-size // part_size)
    if parts > MAX_PARTS:
        raise ValueError(f"{parts} parts of {part_size} bytes: at most {MAX_PARTS} are "
                         "allowed; choose a larger part_size")
    return part_size, parts


def create_upload(transactions: Transactions, vault: VaultService, contract: Contract,
                  size: int, sha256: str, part_size: int | None, rules: MultipartRules,
                  now: datetime) -> Upload:
    """Open an upload: its dataset (state received, no digest yet) and data key now."""
    chosen, parts = plan_parts(size, part_size, rules)
    with transactions() as tx:
        dataset = create_dataset(tx.session, contract.tenant_id, contract.id)
        vault.create_key(tx, dataset)
        upload = Upload(id=new_id(), dataset_id=dataset.id, tenant_id=contract.tenant_id,
                        contract_id=contract.id, size=size, sha256=sha256, part_size=chosen,
                        parts_total=parts, state=UploadState.OPEN.value, received_bytes=0,
                        created_at=now, expires_at=now + rules.expiry)
        tx.session.add(upload)
        tx.session.flush()
        tx.record(MultipartUploadCreated(tenant=upload.tenant_id, dataset=dataset.id,
                                         upload=upload.id, contract_id=contract.id, bytes=size,
                                         sha256=sha256, part_size=chosen, parts=parts))
        return upload


def store_part(transactions: Transactions, vault: VaultService, upload_id: str, number: int,
               length: int, sha256: str, source: BinaryIO, rules: MultipartRules,
               clock: Clock) -> UploadPart:
    """Stream part `number` (`length` bytes whose SHA-256 is `sha256`) into the vault and
    register it, replacing an earlier copy of it. Raises before anything is kept if the
    upload is not open, the number or length is wrong, or the digest does not match."""
    with transactions() as tx:
        upload = get_upload(tx.session, upload_id)
        _check_open(upload, clock())
        if not 1 <= number <= upload.parts_total:
            raise PartRefusedError(f"part number must be between 1 and {upload.parts_total}")
        expected = upload.part_length(number)
        if length != expected:
            raise PartRefusedError(f"part {number} must be {expected} bytes, not {length}")
        dataset_id = upload.dataset_id
        key = vault.data_key(tx.session, dataset_id)
    copy_id = new_id()
    teed = FOLLOWER.tee(upload_id, number)
    limited = LimitedReader(source, length)
    reader = limited if teed is None else _Teed(limited, teed)
    try:
        written = vault.write(key, dataset_id, copy_id, reader)  # type: ignore[arg-type]
    except BaseException:
        _discard(vault, dataset_id, copy_id)
        raise
    if written.plaintext_size != length:
        _discard(vault, dataset_id, copy_id)
        raise PartRefusedError(f"part {number} ended after {written.plaintext_size} of "
                               f"{length} bytes; nothing was kept")
    if written.plaintext_sha256 != sha256:
        _discard(vault, dataset_id, copy_id)
        raise PartDigestMismatchError(f"part {number} does not have the SHA-256 of its "
                                      "Content-Digest; nothing was kept")
    try:
        with transactions() as tx:
            now = clock()
            upload = get_upload(tx.session, upload_id, for_update=True)
            _check_open(upload, now)
            dataset = get_dataset(tx.session, dataset_id, for_update=True)
            vault.register(tx, dataset, CopyKind.RAW, copy_id, written)
            part = tx.session.get(UploadPart, (upload_id, number))
            replaced = None
            if part is None:
                part = UploadPart(upload_id=upload_id, number=number)
                tx.session.add(part)
            else:
                replaced = part.copy_id
                old = tx.session.get(StoredCopy, replaced)
                if old is not None:
                    old.deleted_at = now
                upload.received_bytes -= part.size
            part.copy_id, part.size, part.sha256, part.stored_at = copy_id, length, sha256, now
            upload.received_bytes += length
            upload.expires_at = now + rules.expiry
            tx.record(MultipartPartStored(tenant=upload.tenant_id, dataset=dataset_id,
                                          upload=upload_id, number=number, bytes=length,
                                          sha256=sha256, replaced_copy=replaced))
    except BaseException:
        _discard(vault, dataset_id, copy_id)
        raise
    if replaced is not None:
        _discard(vault, dataset_id, replaced)
    FOLLOWER.stored(upload_id, number, copy_id, teed, replaced is not None)
    _follow(transactions, vault, upload_id, dataset_id, key)
    return part


def complete_upload(transactions: Transactions, vault: VaultService, upload_id: str,
                    clock: Clock) -> Dataset:
    """Check that every part arrived and that together they have the declared SHA-256;
    then the dataset's upload is complete. On a mismatch the upload is recorded as failed
    and ArchiveDigestMismatchError raised: the caller purges the dataset."""
    with transactions() as tx:
        upload = get_upload(tx.session, upload_id)
        _check_open(upload, clock())
        parts = upload_parts(tx.session, upload_id)
        have = {part.number for part in parts}
        missing = [n for n in range(1, upload.parts_total + 1) if n not in have]
        if missing:
            raise IncompleteUploadError(upload_id, missing)
        archive = raw_archive(tx.session, upload.dataset_id, None)
        if archive is None:
            raise ConflictError(f"upload {upload_id} has a part without a stored copy")
        key = vault.data_key(tx.session, upload.dataset_id)
    digest = FOLLOWER.digest(upload_id, archive.copy_ids,
                             lambda copy_id: vault.chunks(key, archive.dataset_id, copy_id))
    with transactions() as tx:
        upload = get_upload(tx.session, upload_id, for_update=True)
        _check_open(upload, clock())
        now_parts = tuple(p.copy_id for p in upload_parts(tx.session, upload_id))
        if now_parts != archive.copy_ids:
            raise ConflictError(f"a part of upload {upload_id} was sent again while it was "
                                "being completed; complete it again")
        dataset = get_dataset(tx.session, upload.dataset_id, for_update=True)
        FOLLOWER.forget(upload_id)
        if digest != upload.sha256:
            upload.state = UploadState.FAILED.value
            tx.record(UploadFailed(tenant=dataset.tenant_id, dataset=dataset.id,
                                   reason="digest_mismatch", bytes=upload.size))
            mismatch = True
        else:
            mismatch = False
            upload.state = UploadState.COMPLETED.value
            dataset.upload_sha256 = upload.sha256
            dataset.upload_bytes = upload.size
            tx.record(MultipartUploadCompleted(tenant=dataset.tenant_id, dataset=dataset.id,
                                               upload=upload_id, parts=upload.parts_total,
                                               bytes=upload.size))
            tx.record(UploadReceived(tenant=dataset.tenant_id, dataset=dataset.id,
                                     contract_id=upload.contract_id, bytes=upload.size,
                                     sha256=upload.sha256))
    if mismatch:
        raise ArchiveDigestMismatchError(dataset.id)
    return dataset


def abort_upload(transactions: Transactions, upload_id: str, clock: Clock) -> str:
    """Record the abort; returns the dataset id, which the caller purges."""
    with transactions() as tx:
        upload = get_upload(tx.session, upload_id, for_update=True)
        _check_open(upload, clock())
        upload.state = UploadState.ABORTED.value
        FOLLOWER.forget(upload_id)
        tx.record(MultipartUploadAborted(tenant=upload.tenant_id, dataset=upload.dataset_id,
                                         upload=upload_id,
                                         parts=len(upload_parts(tx.session, upload_id))))
        return upload.dataset_id


def expire_upload(transactions: Transactions, dataset_id: str, now: datetime) -> bool:
    """Record the expiry of the dataset's multipart upload if it is open and its time has
    passed; whether it did."""
    with transactions() as tx:
        upload = upload_of_dataset(tx.session, dataset_id)
        if upload is None:
            return False
        upload = get_upload(tx.session, upload.id, for_update=True)
        if upload.state != UploadState.OPEN.value or not _expired(upload, now):
            return False
        upload.state = UploadState.EXPIRED.value
        FOLLOWER.forget(upload.id)
        tx.record(MultipartUploadExpired(tenant=upload.tenant_id, dataset=dataset_id,
                                         upload=upload.id,
                                         parts=len(upload_parts(tx.session, upload.id))))
        return True


def given_up(upload: Upload, now: datetime) -> bool:
    """The upload will not complete: closed without completing, or expired."""
    return upload.state not in (UploadState.OPEN.value, UploadState.COMPLETED.value) \
        or (upload.state == UploadState.OPEN.value and _expired(upload, now))


def _expired(upload: Upload, now: datetime) -> bool:
    return upload.state == UploadState.OPEN.value and upload.expires_at <= now


def _check_open(upload: Upload, now: datetime) -> None:
    if upload.state != UploadState.OPEN.value or _expired(upload, now):
        raise UploadNotOpenError(upload, now)


class _Teed(io.RawIOBase):
    """Feeds what is read into the followed digest on its way into the vault."""

    def __init__(self, source: LimitedReader, hasher: Hasher) -> None:
        super().__init__()
        self._source = source
        self._hasher = hasher

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self._hasher.update(data)
        return data


def _follow(transactions: Transactions, vault: VaultService, upload_id: str,
            dataset_id: str, key: DataKey) -> None:
    """Absorb the parts that came early into the followed digest, now that the gap before
    them may have closed. A failure costs only the saving: completion reads them back."""

    def stored() -> dict[int, str]:
        with transactions() as tx:
            return {part.number: part.copy_id for part in upload_parts(tx.session, upload_id)}

    try:
        FOLLOWER.catch_up(upload_id, stored,
                          lambda copy_id: vault.chunks(key, dataset_id, copy_id))
    except Exception as error:
        FOLLOWER.forget(upload_id)
        log.warning("following the digest of upload %s failed: %s", upload_id,
                    type(error).__name__)


def _discard(vault: VaultService, dataset_id: str, copy_id: str) -> None:
    try:
        vault.discard(dataset_id, copy_id)
    except Exception as error:  # the purge's prefix listing removes what is left over
        log.error("removing an unregistered part of dataset %s failed: %s", dataset_id,
                  type(error).__name__)
