"""This process's own metrics, joined with the catalog's into one scrape."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector


class ProcessMetrics(Collector):
    """Everything `registry` holds (prometheus-client's process-wide one: Airlock's
    instruments, `process_*`, `python_*`), collected at each scrape."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self._registry.collect()
