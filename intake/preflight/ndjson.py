"""The pre-flight manifest on the wire: NDJSON, one file a line,
`{"path": str, "size": int, "sha256": hex}` plus `"content": base64` for a label file.

Read line by line from a stream, every size bounded; a line that is not a file's record is
refused naming its line number and the field, never quoting what it holds (label content is
personal data)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

MAX_PATH_CHARS = 4096
"""Longer than any name the archive admits, so the archive's own name rules judge it."""
MAX_SIZE = 2**62


class ManifestError(ValueError):
    """The manifest is not one: answered 422, nothing kept."""

    status = 422


class ManifestTooLargeError(ManifestError):
    """Over a bound (body, line, entries): answered 413, nothing kept."""

    status = 413


@dataclass(frozen=True)
class ManifestBounds:
    max_bytes: int
    max_line_bytes: int
    max_entries: int


@dataclass(frozen=True)
class ManifestRecord:
    path: str
    size: int
    sha256: str
    content: bytes | None
    """A label file's bytes; None for an image, or a file the client did not send."""


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: StrictStr = Field(min_length=1, max_length=MAX_PATH_CHARS)
    size: StrictInt = Field(ge=0, le=MAX_SIZE)
    sha256: StrictStr = Field(pattern=r"^[0-9a-f]{64}$")
    content: StrictStr | None = None


def read_manifest(stream: IO[bytes], bounds: ManifestBounds) -> Iterator[ManifestRecord]:
    """The records of `stream` in order; raises ManifestError at the first bad or
    over-bound line (blank lines are skipped)."""
    received = 0
    entries = 0
    number = 0
    while line := stream.readline(bounds.max_line_bytes + 1):
        number += 1
        received += len(line)
        if received > bounds.max_bytes:
            raise ManifestTooLargeError(f"the manifest exceeds {bounds.max_bytes} bytes")
        if len(line) > bounds.max_line_bytes:
            raise ManifestTooLargeError(f"line {number} is longer than "
                                        f"{bounds.max_line_bytes} bytes")
        if not line.strip():
            continue
        entries += 1
        if entries > bounds.max_entries:
            raise ManifestTooLargeError(f"the manifest lists more than {bounds.max_entries} "
                                        "files")
        yield parse_line(line, number)


def parse_line(line: bytes, number: int) -> ManifestRecord:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        raise ManifestError(f"line {number} is not a JSON object") from None
    if not isinstance(value, dict):
        raise ManifestError(f"line {number} is not a JSON object")
    try:
        fields = _Line.model_validate(value)
    except ValidationError as exc:
        raise ManifestError(f"line {number}: {_first_error(exc)}") from None
    return ManifestRecord(fields.path, fields.size, fields.sha256,
                          None if fields.content is None else _decode(fields.content, number))


def _decode(content: str, number: int) -> bytes:
    try:
        return base64.b64decode(content.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ManifestError(f"line {number}: `content` is not base64") from None


def _first_error(exc: ValidationError) -> str:
    """The field and what is wrong with it; pydantic's input echo is left out."""
    error = exc.errors(include_input=False, include_url=False)[0]
    if error["type"] == "extra_forbidden":
        return "a key other than path, size, sha256 and content"
    where = ".".join(str(part) for part in error["loc"])
    return f"`{where}`: {error['msg']}"
