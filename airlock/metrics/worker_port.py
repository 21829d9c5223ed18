"""A worker's metrics on a port of its own (AIRLOCK_WORKER_METRICS_PORT): a worker serves
no HTTP API to put them on, and Prometheus scrapes each worker apart, so `up` says whether
it lives. Its step durations, items and sweeps are counted where they run: here."""

from __future__ import annotations

import logging

from prometheus_client import start_http_server

from airlock.settings import Settings

log = logging.getLogger("airlock.worker")


def serve_worker_metrics(settings: Settings) -> bool:
    """Start the metrics server on a daemon thread, if a port is set; a port in use (two
    workers on one host) is logged and the worker runs on without. True when serving."""
    if settings.worker_metrics_port is None:
        return False
    try:
        start_http_server(settings.worker_metrics_port, settings.worker_metrics_host)
    except OSError as exc:
        log.warning("worker metrics not served on port %d: %s", settings.worker_metrics_port,
                    exc.strerror or type(exc).__name__)
        return False
    log.info("worker metrics served on %s:%d", settings.worker_metrics_host,
             settings.worker_metrics_port)
    return True
