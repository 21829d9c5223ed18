"""Problems found in an upload: where, which rule, how severe — never the content."""

from __future__ import annotations

import threading
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ERROR = "error"  # rejects the dataset
    WARNING = "warning"  # reported, the dataset passes


class Problem(BaseModel):
    """One finding. `message` is written by Airlock, never copied from the upload's labels."""

    model_config = ConfigDict(frozen=True)

    rule: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$", description="e.g. unpack.path_traversal")
    severity: Severity
    message: str = Field(max_length=500)
    file: str | None = Field(default=None, max_length=1024, description="Path in the archive.")
    line: int | None = Field(default=None, ge=1)
    json_path: str | None = Field(default=None, max_length=512)
    field: str | None = Field(default=None, max_length=256)


class Problems:
    """Collects every problem; keeps the first `keep` in full and counts all of them.

    Thread-safe: images are checked on several threads at once.
    """

    def __init__(self, keep: int = 10_000) -> None:
        self._keep = keep
        self._lock = threading.Lock()
        self.kept: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.errors = 0
        self.warnings = 0

    def add(self, rule: str, severity: Severity, message: str, *, file: str | None = None,
            line: int | None = None, json_path: str | None = None,
            field: str | None = None) -> None:
        problem = Problem(rule=rule, severity=severity, message=message, file=file, line=line,
                          json_path=json_path, field=field)
        with self._lock:
            self.counts[rule] = self.counts.get(rule, 0) + 1
            if severity is Severity.ERROR:
                self.errors += 1
            else:
                self.warnings += 1
            if len(self.kept) < self._keep:
                self.kept.append(problem)

    def error(self, rule: str, message: str, **where: str | int | None) -> None:
        self.add(rule, Severity.ERROR, message, **where)  # type: ignore[arg-type]

    def warning(self, rule: str, message: str, **where: str | int | None) -> None:
        self.add(rule, Severity.WARNING, message, **where)  # type: ignore[arg-type]

    @property
    def truncated(self) -> int:
        return self.errors + self.warnings - len(self.kept)
