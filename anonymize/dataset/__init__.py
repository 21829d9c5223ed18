"""Anonymising whole datasets: labels, file names, the anonymised copy and the mapping.

The names below load on first use: `airlock pii detect` imports the package's pool, and
needs neither the job nor what it loads (SQLAlchemy, the catalog, the image stack,
Presidio's anonymizer)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anonymize.dataset.errors import AnonymisationError
    from anonymize.dataset.job import (
        AnonymisationJob,
        AnonymisationOptions,
    )
    from anonymize.dataset.plan import DatasetPlan, LabelPlan
    from anonymize.dataset.report import AnonymisationReport
    from anonymize.dataset.shard_task import ShardParts, ShardResult, ShardTask

_HOMES = {
    "AnonymisationError": "errors",
    "AnonymisationJob": "job",
    "AnonymisationOptions": "job",
    "ShardParts": "shard_task",
    "ShardResult": "shard_task",
    "ShardTask": "shard_task",
    "DatasetPlan": "plan",
    "LabelPlan": "plan",
    "AnonymisationReport": "report",
}

__all__ = [
    "AnonymisationError",
    "AnonymisationJob",
    "AnonymisationOptions",
    "AnonymisationReport",
    "DatasetPlan",
    "LabelPlan",
    "ShardParts",
    "ShardResult",
    "ShardTask",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
