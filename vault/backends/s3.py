"""Ciphertext objects in an S3 (or S3-compatible) bucket, streamed with multipart uploads."""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, cast

from botocore.exceptions import BotoCoreError, ClientError

from catalog import batched
from vault.backends.base import validate_locator, validate_prefix
from vault.errors import ObjectNotFoundError, VaultError

PART_SIZE = 8 * 1024 * 1024  # S3 needs >= 5 MiB for every part but the last
_DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})

logger = logging.getLogger(__name__)
_Page = dict[str, Any]


class S3Backend:
    """Objects under `prefix` in `bucket`; `client` is a boto3 S3 client."""

    name = "s3"

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = f"{validate_locator(prefix.removesuffix('/'))}/" if prefix else ""

    @contextmanager
    def writer(self, locator: str) -> Iterator[BinaryIO]:
        upload = _StreamingUpload(self._client, self._bucket, self._key(locator), locator)
        try:
            yield cast(BinaryIO, upload)
            upload.commit()
        except BaseException:
            upload.abort()
            raise

    @contextmanager
    def reader(self, locator: str) -> Iterator[BinaryIO]:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=self._key(locator))
        except ClientError as exc:
            if _error_code(exc) in _MISSING_CODES:
                raise ObjectNotFoundError(f"no object at {locator!r} in S3") from exc
            raise _vault_error("read", locator, exc) from exc
        except BotoCoreError as exc:
            raise _vault_error("read", locator, exc) from exc
        body = response["Body"]
        try:
            yield cast(BinaryIO, _BodyReader(body, locator))
        finally:
            body.close()

    def delete(self, locator: str) -> int:
        key = self._key(locator)
        # listed in full before any is deleted: a listing marker must name a live version
        versions = [{"Key": key, "VersionId": version} for version in self._version_ids(key)]
        for batch in batched(versions, _DELETE_BATCH):
            self._delete_versions(batch, locator)
        return len(versions)

    def _delete_versions(self, batch: list[dict[str, str]], what: str) -> None:
        try:
            response = self._client.delete_objects(
                Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True}
            )
        except (BotoCoreError, ClientError) as exc:
            raise _vault_error("delete", what, exc) from exc
        if errors := response.get("Errors"):
            raise VaultError(
                f"S3 refused to delete {len(errors)} version(s) under {what!r}: "
                f"{errors[0].get('Code')}"
            )

    def delete_prefix(self, prefix: str) -> Iterator[dict[str, int]]:
        """One ListObjectVersions page of up to 1,000 versions and delete markers, deleted
        with one DeleteObjects call once the next page is listed: the next page's marker
        names the last version of this one, which must still exist (moto ends the listing
        early at a deleted one). Two pages at most are held, and the requests are the
        floor, one DeleteObjects per 1,000 versions, plus one listing page each."""
        validate_prefix(prefix)
        for page in _each_once_the_next_is_fetched(self._version_pages(self._prefix + prefix)):
            entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
            # a server is free to count versions and delete markers apart: still 1,000 a call
            for batch in batched(({"Key": e["Key"], "VersionId": e["VersionId"]}
                                  for e in entries), _DELETE_BATCH):
                self._delete_versions(batch, prefix)
                removed: dict[str, int] = {}
                for entry in batch:
                    locator = entry["Key"].removeprefix(self._prefix)
                    removed[locator] = removed.get(locator, 0) + 1
                yield removed

    def list(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        previous = None
        for key in self._versioned_keys(self._prefix + prefix):
            if key != previous:
                yield key.removeprefix(self._prefix)
            previous = key

    def list_partial(self, prefix: str) -> Iterator[str]:
        for upload in self._multipart_uploads(prefix):
            yield upload["Key"].removeprefix(self._prefix)

    def delete_partial(self, prefix: str) -> int:
        """Abort every unfinished multipart upload: its parts are stored (and billed) until
        then, though no listing of objects shows them."""
        uploads = list(self._multipart_uploads(prefix))
        for upload in uploads:
            try:
                self._client.abort_multipart_upload(Bucket=self._bucket, Key=upload["Key"],
                                                    UploadId=upload["UploadId"])
            except ClientError as exc:
                if _error_code(exc) != "NoSuchUpload":  # else aborted meanwhile: gone too
                    raise _vault_error("abort", prefix, exc) from exc
            except BotoCoreError as exc:
                raise _vault_error("abort", prefix, exc) from exc
        return len(uploads)

    def _multipart_uploads(self, prefix: str) -> Iterator[dict[str, Any]]:
        validate_prefix(prefix)
        paginator = self._client.get_paginator("list_multipart_uploads")
        try:
            for page in paginator.paginate(Bucket=self._bucket, Prefix=self._prefix + prefix):
                yield from page.get("Uploads", [])
        except (BotoCoreError, ClientError) as exc:
            raise _vault_error("list", prefix, exc) from exc

    def exists(self, locator: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=self._key(locator))
        except ClientError as exc:
            if _error_code(exc) in _MISSING_CODES:
                return False
            raise _vault_error("check", locator, exc) from exc
        except BotoCoreError as exc:
            raise _vault_error("check", locator, exc) from exc
        return True

    def check(self) -> None:
        try:
            self._client.head_bucket(Bucket=self._bucket)
        except (BotoCoreError, ClientError) as exc:
            raise VaultError(f"the S3 bucket cannot be reached: {_describe(exc)}") from exc

    def _key(self, locator: str) -> str:
        return self._prefix + validate_locator(locator)

    def _version_ids(self, key: str) -> Iterator[str]:
        """Every version and delete marker of exactly `key` ("null" on unversioned buckets)."""
        for page in self._version_pages(key):
            for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                if entry["Key"] == key:
                    yield entry["VersionId"]

    def _versioned_keys(self, key_prefix: str) -> Iterator[str]:
        """Keys with any version or delete marker, sorted (pages advance by key)."""
        for page in self._version_pages(key_prefix):
            entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
            yield from sorted(entry["Key"] for entry in entries)

    def _version_pages(self, key_prefix: str) -> Iterator[dict[str, Any]]:
        """Pages of at most 1,000 entries, versions and delete markers together, so that a
        page's entries fit one DeleteObjects call."""
        paginator = self._client.get_paginator("list_object_versions")
        try:
            yield from paginator.paginate(Bucket=self._bucket, Prefix=key_prefix,
                                          PaginationConfig={"PageSize": _DELETE_BATCH})
        except (BotoCoreError, ClientError) as exc:
            raise _vault_error("list", key_prefix, exc) from exc


def _each_once_the_next_is_fetched(pages: Iterator[_Page]) -> Iterator[_Page]:
    """Every page of `pages`, each handed out only after the one following it was fetched."""
    current = next(pages, None)
    while current is not None:
        following = next(pages, None)
        yield current
        current = following


class _StreamingUpload(io.RawIOBase):
    """Buffers one part at a time: a single PUT for small objects, multipart beyond that."""

    def __init__(self, client: Any, bucket: str, key: str, locator: str) -> None:
        super().__init__()
        self._client = client
        self._target = {"Bucket": bucket, "Key": key}
        self._locator = locator
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def writable(self) -> bool:
        return True

    def write(self, data: "bytes | bytearray | memoryview", /) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) >= PART_SIZE:
            self._upload_part(bytes(self._buffer[:PART_SIZE]))
            del self._buffer[:PART_SIZE]
        return len(data)

    def commit(self) -> None:
        if self._upload_id is None:
            self._request("put_object", Body=bytes(self._buffer))
        else:
            if self._buffer:
                self._upload_part(bytes(self._buffer))
            self._request(
                "complete_multipart_upload",
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer = bytearray()

    def abort(self) -> None:
        """Discard the upload; a failure here is logged so the caller's error stays visible."""
        self._buffer = bytearray()
        if self._upload_id is None:
            return
        try:
            self._client.abort_multipart_upload(**self._target, UploadId=self._upload_id)
        except (BotoCoreError, ClientError) as exc:
            logger.warning(
                "could not abort multipart upload of %r: %s", self._locator, _describe(exc)
            )
        self._upload_id = None

    def _upload_part(self, part: bytes) -> None:
        if self._upload_id is None:
            self._upload_id = self._request("create_multipart_upload")["UploadId"]
        number = len(self._parts) + 1
        response = self._request(
            "upload_part", UploadId=self._upload_id, PartNumber=number, Body=part
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def _request(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self._client, operation)(**self._target, **params)
        except (BotoCoreError, ClientError) as exc:
            raise _vault_error("write", self._locator, exc) from exc


class _BodyReader(io.RawIOBase):
    """A botocore StreamingBody as a readable binary file, with errors as VaultError."""

    def __init__(self, body: Any, locator: str) -> None:
        super().__init__()
        self._body = body
        self._locator = locator

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        try:
            data: bytes = self._body.read(None if size < 0 else size)
        except (BotoCoreError, ClientError) as exc:
            raise _vault_error("read", self._locator, exc) from exc
        return data

    def readinto(self, buffer: "bytearray | memoryview", /) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe(exc: BotoCoreError | ClientError) -> str:
    return _error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__


def _vault_error(action: str, locator: str, exc: BotoCoreError | ClientError) -> VaultError:
    return VaultError(f"S3 {action} of {locator!r} failed: {_describe(exc)}")
