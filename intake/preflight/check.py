"""Judging a manifest: the archive's entry checks, the label parsers, the cross-checks and
the report, all the full validation's own; only what needs the pixels is left out."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from catalog import Contract
from intake.checks import NEEDS_EVERY_LABEL, cross_check
from intake.contract_format import ContractRules
from intake.contract_store import contract_rules
from intake.images import IMAGE_RULES
from intake.labels import build_parser
from intake.preflight.entries import ManifestEntry, PreflightProblems, manifest_entries
from intake.preflight.ndjson import ManifestBounds, ManifestRecord, read_manifest
from intake.problems import Problems
from intake.report import ValidationReport
from intake.reporting import Checked, build_report
from intake.scan import DatasetScan, ScannedImage, is_image_name, scan_entries, unexpected_file
from intake.unpack import UnpackLimits
from intake.unpack.rules import (
    CORRUPT_ARCHIVE,
    CORRUPT_ENTRY,
    ENCRYPTED_ENTRY,
    HARDLINK,
    NESTED_ARCHIVE,
    NOT_AN_ARCHIVE,
    RATIO_EXCEEDED,
    SPECIAL_FILE,
    SYMLINK,
)
from intake.validation import limits_for

NOT_IN_PREFLIGHT = IMAGE_RULES | frozenset({
    # the archive itself and what only its bytes show
    NOT_AN_ARCHIVE, CORRUPT_ARCHIVE, CORRUPT_ENTRY, NESTED_ARCHIVE, RATIO_EXCEEDED,
    ENCRYPTED_ENTRY, SYMLINK, HARDLINK, SPECIAL_FILE,
})
"""Rules a pre-flight never applies: they need the images' pixels or the archive's bytes."""


@dataclass(frozen=True)
class PreflightOptions:
    limits: UnpackLimits
    """The instance's unpack limits (tightened by the contract, as for an upload)."""
    bounds: ManifestBounds


class DeclaredImages:
    """A manifest's images: taken by name and declared size; the SHA-256 is the client's."""

    def __init__(self, rules: ContractRules, problems: Problems) -> None:
        self._rules = rules
        self._problems = problems

    def take(self, entry: ManifestEntry, scan: DatasetScan) -> None:
        # The archive's order: the size is checked as the entry is read, then its kind.
        if not entry.within(self._rules.images.max_file_bytes):
            return
        if not is_image_name(entry.path):
            unexpected_file(entry.path, self._problems)
            return
        scan.images_seen += 1
        scan.images[entry.path] = ScannedImage(entry.path, entry.sha256, entry.size, None)

    def finish(self, scan: DatasetScan) -> None:
        """Nothing is in flight: no image is decoded."""


def preflight(stream: IO[bytes], contract: Contract, options: PreflightOptions,
              ) -> ValidationReport:
    """The report on the manifest read from `stream`, as the full validation would write it
    without the pixels. Raises ManifestError (nothing kept) if the manifest is malformed or
    over a bound. Label content stays in memory, for the parsers only."""
    rules = contract_rules(contract)
    problems = PreflightProblems()
    parser = build_parser(rules)
    hashing = _Hashing(stream)
    declared = _Declared(read_manifest(io.BufferedReader(hashing), options.bounds))
    scan = scan_entries(manifest_entries(declared, limits_for(options.limits, rules), problems),
                        rules, parser, DeclaredImages(rules, problems), problems)
    unjudged = NEEDS_EVERY_LABEL if problems.unsent else frozenset()
    checked = cross_check(scan, rules, problems, unjudged)
    what = Checked(contract, rules, "", declared.total, hashing.digest.hexdigest(),
                   kind="preflight", not_checked=NOT_IN_PREFLIGHT | unjudged)
    return build_report(what, scan, checked, parser.encodings, problems)


class _Declared:
    """The records, summing the sizes they declare."""

    def __init__(self, records: Iterable[ManifestRecord]) -> None:
        self._records = records
        self.total = 0

    def __iter__(self) -> Iterator[ManifestRecord]:
        for record in self._records:
            self.total += record.size
            yield record


class _Hashing(io.RawIOBase):
    """The manifest's SHA-256 as it is read."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self._source = source
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.digest.update(data)
        return count
