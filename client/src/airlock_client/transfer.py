"""A resumable, verified upload through the server's multipart API (`/v1/uploads`).

1. The source's SHA-256 and each part's, in one streamed pass (the parts' on a second
   thread, so the pass costs the time of one hash).
2. An open upload of the same digest and contract is resumed (a client restarted finds it
   by the digest: no local state file); else a new one is made.
3. The parts the server lacks are sent `parallel` at a time, each with its
   `Content-Digest` (from step 1, or hashed on the way for an upload resumed with another
   part size). Each is read from the source only when its turn comes, so memory holds
   at most `parallel` parts. A failure that may pass is retried (`airlock_client.retry`);
   after a broken connection the upload's state is read again before anything more is
   sent (the server may have stored the part, or restarted).
4. Completion: the server checks the whole digest and starts validation.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from airlock_client import planning
from airlock_client.api import Api
from airlock_client.errors import ApiError, ClientError
from airlock_client.output import Output
from airlock_client.pack import Source
from airlock_client.progress import Bar
from airlock_client.retry import Retrying
from airlock_client.upload_state import COMPLETED, OPEN, UploadState

HASH_BLOCK = 8 * planning.MIB
SHOW_HASHING_FROM = 64 * planning.MIB
"""Smaller sources are hashed too fast for a bar to help."""
SEND_CHUNK = planning.MIB
"""The bytes bar moves as each chunk of a part is handed to the connection."""
ROUNDS = 3
"""Complete, and if the server still lacks parts, send them and complete again."""


class UploadClosedError(ClientError):
    """The upload is no longer open (expired, aborted or failed)."""


class DigestRefusedError(ClientError):
    """The server refused the whole archive's digest and purged the dataset."""


@dataclass(frozen=True)
class Outcome:
    upload: UploadState
    resumed: bool
    parts_sent: int
    dataset: dict[str, Any]


@dataclass(frozen=True)
class Digests:
    """A source's SHA-256 (hex) and its parts' `Content-Digest` values at `part_size`."""

    sha256: str
    part_size: int
    parts: tuple[str, ...]


def source_digests(source: Source, part_size: int, output: Output, *,
                   block: int = HASH_BLOCK) -> Digests:
    """Hash every byte of `source` once: the whole on this thread, each part of `part_size`
    bytes on another (hashlib lets go of the GIL), so the parts' digests cost no time of
    their own and none later, while the parts are sent."""
    whole, parts = hashlib.sha256(), []
    shown = output if source.size >= SHOW_HASHING_FROM else Output(quiet=True)
    with Bar(shown, "sha-256", source.size) as bar, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="part-hash") as pool:
        for number in range(1, planning.parts_total(source.size, part_size) + 1):
            part = hashlib.sha256()
            offset, length = planning.part_range(number, source.size, part_size)
            for start in range(offset, offset + length, block):
                data = source.read(start, min(block, offset + length - start))
                hashing = pool.submit(part.update, data)
                whole.update(data)
                hashing.result()
                bar.advance(len(data))
            parts.append(_digest_field(part.digest()))
    return Digests(whole.hexdigest(), part_size, tuple(parts))


def content_digest(data: bytes) -> str:
    """RFC 9530's `Content-Digest` value for `data`."""
    return _digest_field(hashlib.sha256(data).digest())


def _digest_field(sha256: bytes) -> str:
    return f"sha-256=:{base64.b64encode(sha256).decode('ascii')}:"


class Transfer:
    def __init__(self, api: Api, source: Source, digests: Digests, output: Output, *,
                 parallel: int, retrying: Retrying | None = None,
                 before_create: Callable[[], None] | None = None) -> None:
        self.api = api
        self.digests = digests
        self.before_create = before_create
        """Runs before a new upload is made (pre-flight), never before a resumed one."""
        self.source = source
        self.output = output
        self.parallel = parallel
        self.retrying = retrying or Retrying()
        self._sent = 0
        self._lock = threading.Lock()

    def run(self, contract: str) -> Outcome:
        """Resume or begin the upload of the source, send what is missing, complete it."""
        upload, resumed = self._open(contract, self.digests.sha256, self.digests.part_size)
        for _ in range(ROUNDS):
            missing = upload.missing
            if missing:
                self._send(upload, missing)
            dataset = self._complete(upload)
            if dataset is not None:
                return Outcome(upload, resumed, self._sent, dataset)
            upload = self._state(upload.id)
        raise ClientError(f"upload {upload.id}: the server still lacks parts after "
                          f"{ROUNDS} rounds; run the command again to resume")

    def _open(self, contract: str, sha256: str, part_size: int) -> tuple[UploadState, bool]:
        found = self.retrying.run("finding an interrupted upload",
                                  lambda _: self._find(contract, sha256))
        if found is not None:
            if part_size != found.part_size:
                self.output.note(f"resuming with the upload's part size, {found.part_size} "
                                 "bytes")
            self.output.note(f"resuming upload {found.id}: {found.received_bytes} of "
                             f"{found.size} bytes already received")
            return found, True
        if self.before_create is not None:
            self.before_create()

        def create(after_network: bool) -> tuple[UploadState, bool]:
            # An answer lost on the way back may have made the upload: look first.
            made = self._find(contract, sha256) if after_network else None
            if made is not None:
                return made, False
            body = {"contract": contract, "size": self.source.size, "sha256": sha256,
                    "part_size": part_size}
            return UploadState.from_json(self.api.post("/v1/uploads", json=body)), False

        return self.retrying.run("starting the upload", create)

    def _find(self, contract: str, sha256: str) -> UploadState | None:
        """The open upload of this archive with the most bytes received, if any, with its
        parts (a listing leaves them out)."""
        listed = self.api.get("/v1/uploads", params={"sha256": sha256, "contract": contract,
                                                     "state": OPEN})
        if not isinstance(listed, list):
            return None
        uploads = [UploadState.from_json(item) for item in listed]
        matching = [u for u in uploads if u.state == OPEN and u.sha256 == sha256
                    and u.size == self.source.size]
        best = max(matching, key=lambda u: u.reported_bytes, default=None)
        return None if best is None else self._state(best.id)

    def _state(self, upload_id: str) -> UploadState:
        return UploadState.from_json(self.api.get(f"/v1/uploads/{upload_id}"))

    def _send(self, upload: UploadState, missing: list[int]) -> None:
        stop = threading.Event()
        with Bar(self.output, "upload", upload.size, initial=upload.received_bytes) as bar, \
                ThreadPoolExecutor(max_workers=self.parallel,
                                   thread_name_prefix="part") as pool:
            futures: list[Future[None]] = [
                pool.submit(self._send_part, upload, number, bar, stop) for number in missing]
            try:
                for done in as_completed(futures):
                    done.result()
            except BaseException:
                stop.set()  # the parts under way end with their request; no new one starts
                for future in futures:
                    future.cancel()
                raise

    def _send_part(self, upload: UploadState, number: int, bar: Bar,
                   stop: threading.Event) -> None:
        if stop.is_set():
            return
        offset, length = planning.part_range(number, upload.size, upload.part_size)
        data = self.source.read(offset, length)
        headers = {"Content-Length": str(length), "Content-Digest": self._part_digest(
                       number, upload.part_size, data),
                   "Content-Type": "application/octet-stream"}

        def attempt(after_network: bool) -> None:
            if stop.is_set():
                return
            if after_network:
                current = self._state(upload.id)
                if current.state != OPEN:
                    raise UploadClosedError(f"upload {upload.id} is {current.state}; run the "
                                            "command again to start a new one")
                if current.holds(number):
                    return
            sent: list[int] = [0]
            try:
                self.api.request("PUT", f"/v1/uploads/{upload.id}/parts/{number}",
                                 content=_chunks(data, bar, sent), headers=headers)
            except ClientError:
                bar.advance(-sent[0])
                raise
            with self._lock:
                self._sent += 1

        self.retrying.run(f"part {number}", attempt)

    def _part_digest(self, number: int, part_size: int, data: bytes) -> str:
        if part_size == self.digests.part_size:
            return self.digests.parts[number - 1]
        return content_digest(data)

    def _complete(self, upload: UploadState) -> dict[str, Any] | None:
        """The dataset, or None when the server still lacks parts."""

        def attempt(after_network: bool) -> dict[str, Any] | None:
            if after_network:  # the answer may have been lost after the server completed
                current = self._state(upload.id)
                if current.state == COMPLETED:
                    return self._dataset(current.dataset_id)
                if current.state != OPEN:
                    raise self._refused(upload)
            try:
                body = self.api.post(f"/v1/uploads/{upload.id}/complete")
            except ApiError as exc:
                if exc.status == 422:
                    raise self._refused(upload) from None
                if exc.status != 409:
                    raise
                current = self._state(upload.id)
                if current.state == COMPLETED:
                    return self._dataset(current.dataset_id)
                if current.state != OPEN:
                    raise UploadClosedError(f"upload {upload.id} is {current.state}; run the "
                                            "command again to start a new one") from None
                return None
            if not isinstance(body, dict):
                raise ClientError("the server's answer to completion is not a dataset")
            return body

        return self.retrying.run("completing the upload", attempt)

    def _dataset(self, dataset_id: str) -> dict[str, Any]:
        body = self.api.get(f"/v1/datasets/{dataset_id}")
        if not isinstance(body, dict):
            raise ClientError("the server's dataset is not a JSON object")
        return body

    @staticmethod
    def _refused(upload: UploadState) -> DigestRefusedError:
        return DigestRefusedError(
            f"the server refused the upload: what it received does not have the declared "
            f"SHA-256 {upload.sha256}. Upload {upload.id} failed and dataset "
            f"{upload.dataset_id} was purged, with a deletion certificate (fetch it for "
            f"dataset {upload.dataset_id}). Check the source and upload again")


def _chunks(data: bytes, bar: Bar, sent: list[int]) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), SEND_CHUNK):
        chunk = bytes(view[start:start + SEND_CHUNK])
        yield chunk
        sent[0] += len(chunk)
        bar.advance(len(chunk))
