"""A witness in an S3 bucket with Object Lock: write once, read many (WORM).

Each checkpoint is an object `<prefix><tree size>.json` put in COMPLIANCE mode, retained for
a number of days: until then no one, the bucket's owner and root included, can delete or
overwrite that version. A delete only adds a delete marker and an overwrite a new version,
so reading lists every version, not only the current ones. This is the witness that holds
against root on the database's host; its strength is the bucket's (keep it in another
account).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from audit.checkpoints import CheckpointView
from audit.witness import MAX_LINE_BYTES, WitnessedCheckpoint, WitnessError


class S3Witness:
    """Checkpoints as locked object versions under `prefix` in `bucket` (Object Lock on)."""

    def __init__(self, client: Any, bucket: str, prefix: str, retention_days: int) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix
        self._retention = timedelta(days=retention_days)

    @property
    def name(self) -> str:
        return f"s3://{self._bucket}/{self._prefix}"

    def append(self, checkpoints: list[CheckpointView]) -> None:
        until = datetime.now(UTC) + self._retention
        for checkpoint in checkpoints:
            try:
                self._client.put_object(
                    Bucket=self._bucket, Key=f"{self._prefix}{checkpoint.tree_size:020d}.json",
                    Body=WitnessedCheckpoint.of(checkpoint).line(),
                    ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)
            except (ClientError, BotoCoreError) as exc:
                raise OSError(f"cannot write to the witness bucket ({type(exc).__name__})") \
                    from None

    def read(self) -> list[WitnessedCheckpoint]:
        """Every version ever put, deleted-looking ones included, by tree size."""
        try:
            return sorted((self._version(v["Key"], v["VersionId"]) for v in self._versions()),
                          key=lambda w: w.tree_size)
        except (ClientError, BotoCoreError) as exc:
            raise WitnessError(f"the witness bucket cannot be read ({type(exc).__name__})") \
                from None

    def _versions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        pages = self._client.get_paginator("list_object_versions").paginate(
            Bucket=self._bucket, Prefix=self._prefix)
        for page in pages:
            found += page.get("Versions", [])
        return found

    def _version(self, key: str, version_id: str) -> WitnessedCheckpoint:
        body = self._client.get_object(Bucket=self._bucket, Key=key, VersionId=version_id)["Body"]
        data = body.read(MAX_LINE_BYTES + 1)
        try:
            return WitnessedCheckpoint.model_validate_json(data)
        except ValidationError:
            raise WitnessError(f"the witness object {key} is not a checkpoint") from None
