"""A manifest's records as the dataset's entries, through the same gate as an archive's:
name rules, declared sizes, junk, duplicate and case-colliding paths, the entry budget."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator

from intake.preflight.ndjson import ManifestRecord
from intake.problems import Problems, Severity
from intake.unpack.budget import Budget
from intake.unpack.entry import over_cap
from intake.unpack.errors import Fatal
from intake.unpack.gate import EntryGate, size_findings
from intake.unpack.limits import UnpackLimits
from intake.unpack.names import display_name

LABEL_NOT_SENT = "preflight.label_not_sent"
CONTENT_MISMATCH = "preflight.content_mismatch"
PREFLIGHT_RULES = frozenset({LABEL_NOT_SENT, CONTENT_MISMATCH})
ABSENT_LABEL_RULES = frozenset({"label.missing_file", "label.no_class_names"})


class PreflightProblems(Problems):
    """A label file listed without its content is in the dataset, only not sent: the label
    parsers' finding that it is missing is not reported for it."""

    def __init__(self) -> None:
        super().__init__()
        self.unsent: set[str] = set()

    def add(self, rule: str, severity: Severity, message: str, *, file: str | None = None,
            line: int | None = None, json_path: str | None = None,
            field: str | None = None) -> None:
        if rule in ABSENT_LABEL_RULES and file in self.unsent:
            return
        super().add(rule, severity, message, file=file, line=line, json_path=json_path,
                    field=field)


class ManifestEntry:
    """A file the manifest declares; only a label file's content is at hand."""

    def __init__(self, path: str, record: ManifestRecord, max_entry_bytes: int,
                 problems: PreflightProblems) -> None:
        self.path = path  # normalised by the gate, as an archive entry's
        self.size = record.size
        self.sha256 = record.sha256
        self._content = record.content
        self._max_entry_bytes = max_entry_bytes
        self._problems = problems

    def within(self, limit: int) -> bool:
        """Whether the declared size may be read under `limit` (else the problem is
        recorded, as an archive entry's read records it)."""
        too_large = over_cap(self.size, min(limit, self._max_entry_bytes))
        if too_large is not None:
            self._problems.error(*too_large, file=display_name(self.path))
        return too_large is None

    def read(self, limit: int) -> bytes | None:
        if not self.within(limit):
            return None
        content = self._content
        if content is None:
            self._problems.unsent.add(self.path)
            self._problems.warning(LABEL_NOT_SENT, "a label file listed without its content "
                                   "(over the client's limit?); it was not pre-checked",
                                   file=display_name(self.path))
            return None
        if len(content) != self.size or not hmac.compare_digest(
                hashlib.sha256(content).hexdigest(), self.sha256):
            self._problems.error(CONTENT_MISMATCH, "the content sent does not have the size "
                                 "and SHA-256 the manifest declares",
                                 file=display_name(self.path))
            return None
        return content


def manifest_entries(records: Iterable[ManifestRecord], limits: UnpackLimits,
                     problems: PreflightProblems) -> Iterator[ManifestEntry]:
    """The records that pass the archive's entry checks, as `iter_entries` yields an
    archive's; a budget crossed is recorded and ends the iteration."""
    budget = Budget(limits, 0, problems)
    gate = EntryGate(limits, problems)
    try:
        for record in records:
            budget.count_entries()
            budget.declare(record.size)
            path = gate.admit(record.path, size_findings(record.size, None, limits),
                              directory=False)
            if path is not None:
                yield ManifestEntry(path, record, limits.max_entry_bytes, problems)
    except Fatal as fatal:
        budget.halt(fatal)
        return
    gate.finish()
