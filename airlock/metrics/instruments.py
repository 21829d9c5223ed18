"""The counters, gauges and histograms this process updates as it works, on
prometheus-client's process-wide registry (with its `process_*` and `python_*` metrics).

What the catalog knows (queue, overdue purges, checkpoints) is read at scrape time instead
(`catalog_collector`), so every API process reports the same truth.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from airlock.metrics import names

# A `_created` series per counter and histogram doubles the series for nothing the rules use.
disable_created_metrics()  # type: ignore[no-untyped-call]

SLO_SECONDS = (0.3, 1.0)
"""The latency objectives (reads, upload acknowledgement): bucket bounds, so the share of
requests under each is exact."""

HTTP_REQUESTS = Counter(names.HTTP_REQUESTS.name, names.HTTP_REQUESTS.help,
                        names.HTTP_REQUESTS.labels)
HTTP_DURATION = Histogram(
    names.HTTP_DURATION.name, names.HTTP_DURATION.help, names.HTTP_DURATION.labels,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, *SLO_SECONDS, 2.5, 5, 10, 30, 60, 300))
UPLOADS_IN_FLIGHT = Gauge(names.UPLOADS_IN_FLIGHT.name, names.UPLOADS_IN_FLIGHT.help)
UPLOAD_BYTES = Counter(names.UPLOAD_BYTES.name, names.UPLOAD_BYTES.help)
AUTH_FAILURES = Counter(names.AUTH_FAILURES.name, names.AUTH_FAILURES.help,
                        names.AUTH_FAILURES.labels)
AUTH_REFUSED = Counter(names.AUTH_REFUSED.name, names.AUTH_REFUSED.help)
STEP_DURATION = Histogram(
    names.STEP_DURATION.name, names.STEP_DURATION.help, names.STEP_DURATION.labels,
    buckets=(0.1, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600))
STEP_ITEMS = Counter(names.STEP_ITEMS.name, names.STEP_ITEMS.help, names.STEP_ITEMS.labels)
SWEEP_DATASETS = Counter(names.SWEEP_DATASETS.name, names.SWEEP_DATASETS.help,
                         names.SWEEP_DATASETS.labels)


class ServeWorkerUp(Collector):
    """Whether serve's own worker runs: exported only while serve has one, so a serve with
    AIRLOCK_SERVE_WORKER=false (or a worker process) reports no worker down."""

    def __init__(self) -> None:
        self.up: bool | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.up is not None:
            yield GaugeMetricFamily(names.SERVE_WORKER_UP.name, names.SERVE_WORKER_UP.help,
                                    value=1 if self.up else 0)


SERVE_WORKER_UP = ServeWorkerUp()
REGISTRY.register(SERVE_WORKER_UP)
SERVE_WORKER_RESTARTS = Counter(names.SERVE_WORKER_RESTARTS.name,
                                names.SERVE_WORKER_RESTARTS.help)
WORKER_HEARTBEAT = Gauge(names.WORKER_HEARTBEAT.name, names.WORKER_HEARTBEAT.help)
