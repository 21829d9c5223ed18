"""Anonymising whole datasets: labels, file names, the anonymised copy and the mapping."""

from anonymize.dataset.job import (
    AnonymisationError,
    AnonymisationJob,
    AnonymisationOptions,
    SourceEntry,
)
from anonymize.dataset.plan import DatasetPlan, LabelPlan
from anonymize.dataset.report import AnonymisationReport

__all__ = [
    "AnonymisationError",
    "AnonymisationJob",
    "AnonymisationOptions",
    "AnonymisationReport",
    "DatasetPlan",
    "LabelPlan",
    "SourceEntry",
]
