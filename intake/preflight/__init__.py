"""Pre-flight: judging a dataset from its manifest (file list with sizes and SHA-256s, and
the label files) before any image is sent, with the same checks and report as the full
validation, less those that need the pixels."""

from intake.preflight.check import NOT_IN_PREFLIGHT, PreflightOptions, preflight
from intake.preflight.ndjson import (
    ManifestBounds,
    ManifestError,
    ManifestRecord,
    ManifestTooLargeError,
    read_manifest,
)

__all__ = [
    "NOT_IN_PREFLIGHT",
    "ManifestBounds",
    "ManifestError",
    "ManifestRecord",
    "ManifestTooLargeError",
    "PreflightOptions",
    "preflight",
    "read_manifest",
]
