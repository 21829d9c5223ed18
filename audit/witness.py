"""A witness of the signed checkpoints outside the database: an append-only file.

Each checkpoint, once its transaction commits, is appended as one JSON line and fsynced.
Verification requires the database to still hold every witnessed checkpoint with the same
root, so deleting the log together with its checkpoints (or restoring an older backup of
the database) is detected, as a Certificate Transparency monitor detects a log that forks
or shrinks. What it does not prove: whoever can write both the database and this file (root
on one host) can rewrite both; keep the file on another volume or host, or on WORM storage.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, Field, ValidationError

from audit.chain import format_time
from audit.checkpoints import CheckpointView, signed_by_one_of
from catalog.private_files import fsync_directory, make_private_dirs

MAX_LINE_BYTES = 1024


class WitnessError(Exception):
    """The witness file cannot be read or holds a line that is not a checkpoint."""


class WitnessedCheckpoint(BaseModel):
    """One line of the witness file: a checkpoint exactly as signed."""

    tree_size: int = Field(ge=0)
    root_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: datetime
    key_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    signature: str = Field(max_length=128)

    @classmethod
    def of(cls, checkpoint: CheckpointView) -> WitnessedCheckpoint:
        return cls(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash,
                   at=checkpoint.at, key_id=checkpoint.key_id, signature=checkpoint.signature)

    def line(self) -> bytes:
        fields = {**self.model_dump(exclude={"at"}), "at": format_time(self.at)}
        return (json.dumps(fields, separators=(",", ":")) + "\n").encode()

    def signed_by(self, keys: Mapping[str, Ed25519PublicKey]) -> bool:
        try:
            base64.b64decode(self.signature, validate=True)
        except ValueError:
            return False
        return signed_by_one_of(self, keys)


class Witness(Protocol):
    """Somewhere outside the database that keeps every signed checkpoint it is given."""

    @property
    def name(self) -> str: ...

    def append(self, checkpoints: list[CheckpointView]) -> None:
        """Raises OSError when the checkpoints could not be kept."""

    def read(self) -> list[WitnessedCheckpoint]:
        """Raises WitnessError when the witness cannot be read."""


class FileWitness:
    """Appends with O_APPEND (never rewrites a byte) and fsyncs each batch of lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.is_file()

    def append(self, checkpoints: Iterable[CheckpointView]) -> None:
        data = b"".join(WitnessedCheckpoint.of(c).line() for c in checkpoints)
        if not data:
            return
        make_private_dirs(self.path.parent)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_directory(self.path.parent)

    def read(self) -> list[WitnessedCheckpoint]:
        """Every witnessed checkpoint, in file order. A missing file is an error: `airlock
        init` writes the first line, so it was deleted (or the instance predates it: run
        `airlock init` again)."""
        if not self.path.exists():
            raise WitnessError(f"the witness file {self.path} is missing (deleted?); an "
                               "instance made before it existed gets one from `airlock init`")
        witnessed: list[WitnessedCheckpoint] = []
        try:
            with self.path.open("rb") as handle:
                for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1),
                                                   b""), start=1):
                    witnessed.append(_parse(line, number))
        except OSError as exc:
            raise WitnessError(f"the witness file cannot be read ({exc.strerror})") from None
        return witnessed


def _parse(line: bytes, number: int) -> WitnessedCheckpoint:
    if len(line) > MAX_LINE_BYTES or not line.endswith(b"\n"):
        raise WitnessError(f"line {number} of the witness file is cut off or too long")
    try:
        return WitnessedCheckpoint.model_validate_json(line)
    except ValidationError:
        raise WitnessError(f"line {number} of the witness file is not a checkpoint") from None
