"""An upload object of the server's resumable upload API (`/v1/uploads`), read strictly: the
client plans what to send from it, so a malformed answer stops the command."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from airlock_client import planning
from airlock_client.errors import ClientError

OPEN = "open"
COMPLETED = "completed"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class MalformedAnswerError(ClientError):
    """The server's answer is not the upload object the API documents."""


@dataclass(frozen=True)
class UploadState:
    id: str
    dataset_id: str
    size: int
    sha256: str
    part_size: int
    state: str
    reported_bytes: int
    """The server's `received_bytes`: the one count a listing gives (it omits the parts)."""
    parts: tuple[tuple[int, int], ...]
    """(number, size) of each part received."""

    @classmethod
    def from_json(cls, body: Any) -> UploadState:
        if not isinstance(body, dict):
            raise MalformedAnswerError("the server's upload object is not a JSON object")
        parts = body.get("parts")
        if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
            raise MalformedAnswerError("the server's upload object has no part list")
        upload = cls(_text(body, "id"), _text(body, "dataset_id"), _count(body, "size"),
                     _text(body, "sha256"), _count(body, "part_size"), _text(body, "state"),
                     _count(body, "received_bytes"),
                     tuple((_count(p, "number"), _count(p, "size")) for p in parts))
        if upload.part_size < 1 or not SHA256_HEX.match(upload.sha256):
            raise MalformedAnswerError("the server's upload object has a malformed part size "
                                       "or digest")
        return upload

    @property
    def missing(self) -> list[int]:
        return planning.missing_parts(self.size, self.part_size, self.parts)

    @property
    def received_bytes(self) -> int:
        return planning.received_bytes(self.size, self.part_size, self.parts)

    def holds(self, number: int) -> bool:
        return number not in set(self.missing)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise MalformedAnswerError(f"the server's upload object has no valid {key}")
    return value


def _count(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MalformedAnswerError(f"the server's upload object has no valid {key}")
    return value
