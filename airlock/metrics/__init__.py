"""Prometheus metrics: their names (`names`), the instruments processes update
(`instruments`), the request middleware (`http`), the catalog's gauges read at scrape time
(`catalog_collector`) and the worker's own metrics port (`worker_port`)."""

from airlock.metrics.catalog_collector import CatalogCollector
from airlock.metrics.http import RequestMetrics
from airlock.metrics.names import ALL, MetricName, sample_names
from airlock.metrics.process import ProcessMetrics
from airlock.metrics.worker_port import serve_worker_metrics

__all__ = ["ALL", "CatalogCollector", "MetricName", "ProcessMetrics", "RequestMetrics",
           "sample_names", "serve_worker_metrics"]
