"""Anonymising whole datasets: labels, file names, the anonymised copy and the mapping."""

from anonymize.dataset.job import (
    AnonymisationError,
    AnonymisationOptions,
    SourceEntry,
    anonymise_dataset,
)
from anonymize.dataset.plan import DatasetPlan, LabelPlan
from anonymize.dataset.report import AnonymisationReport

__all__ = [
    "AnonymisationError",
    "AnonymisationOptions",
    "AnonymisationReport",
    "DatasetPlan",
    "LabelPlan",
    "SourceEntry",
    "anonymise_dataset",
]
