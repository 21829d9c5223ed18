"""What a backend really left in storage, seen without going through the backend."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vault import Backend


class StorageProbe(Protocol):
    """Looks at what a backend really left in storage, bypassing the backend."""

    def pending_writes(self) -> list[str]: ...

    def version_count(self, locator: str) -> int: ...

    def raw_blobs(self) -> Iterator[bytes]: ...


@dataclass
class LocalProbe:
    root: Path

    def pending_writes(self) -> list[str]:
        return [path.name for path in self.root.rglob(".partial-*")]

    def version_count(self, locator: str) -> int:
        return int((self.root / locator).is_file())

    def raw_blobs(self) -> Iterator[bytes]:
        for path in self.root.rglob("*"):
            if path.is_file():
                yield path.read_bytes()


@dataclass
class S3Probe:
    client: Any
    bucket: str
    prefix: str

    def pending_writes(self) -> list[str]:
        uploads = self.client.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        return [upload["Key"] for upload in uploads]

    def version_count(self, locator: str) -> int:
        key = self.prefix + locator
        return sum(1 for entry in self._entries(key) if entry["Key"] == key)

    def raw_blobs(self) -> Iterator[bytes]:
        for entry in self._entries(""):
            if "Size" in entry:  # delete markers carry no bytes
                response = self.client.get_object(
                    Bucket=self.bucket, Key=entry["Key"], VersionId=entry["VersionId"]
                )
                yield response["Body"].read()

    def _entries(self, key_prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=key_prefix):
            yield from page.get("Versions", [])
            yield from page.get("DeleteMarkers", [])


@dataclass
class BackendUnderTest:
    backend: Backend
    probe: StorageProbe
