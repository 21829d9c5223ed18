"""Every metric Airlock exports, by name: what the docs page, the alerting rules and the
dashboard may name (a test checks each of theirs is here, and each here is documented).

Label values are fixed sets (route templates, steps, causes, reasons, outcomes): never a
tenant, a dataset id or anything read from an upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True)
class MetricName:
    name: str
    """As exposed; a counter's samples end in `_total`, a histogram's in `_bucket`,
    `_sum` and `_count`."""
    kind: Kind
    labels: tuple[str, ...]
    help: str
    where: Literal["api", "worker", "both"]
    """Which processes export it: the API (`/metrics`), workers (their own port), or both."""


HTTP_REQUESTS = MetricName(
    "airlock_http_requests_total", "counter", ("route", "method", "status"),
    "HTTP requests answered, by route template (`unmatched` for no route), method and "
    "status.", "api")
HTTP_DURATION = MetricName(
    "airlock_http_request_duration_seconds", "histogram", ("route", "method"),
    "Time to answer an HTTP request, body streamed included.", "api")
UPLOADS_IN_FLIGHT = MetricName(
    "airlock_uploads_in_flight", "gauge", (),
    "Uploads (whole or a part) streaming into the vault now.", "api")
UPLOAD_BYTES = MetricName(
    "airlock_upload_bytes_received_total", "counter", (),
    "Bytes of streamed request bodies received: uploads, their parts, pre-flight "
    "manifests.", "api")
AUTH_FAILURES = MetricName(
    "airlock_auth_failures_total", "counter", ("reason",),
    "Failed authentications (401) by reason: missing, malformed, unknown, revoked, expired "
    "or unapproved token, ended console session.", "api")
AUTH_REFUSED = MetricName(
    "airlock_auth_refused_total", "counter", (),
    "Requests refused (429) because their source failed to authenticate too often.", "api")
STEP_DURATION = MetricName(
    "airlock_pipeline_step_duration_seconds", "histogram", ("step", "outcome"),
    "Time a pipeline step took in this process, by step and outcome (`ok`, `failed`).",
    "both")
STEP_ITEMS = MetricName(
    "airlock_pipeline_items_total", "counter", ("step",),
    "Archive entries validated or items anonymised by this process's finished steps; "
    "`rate()` of it is items/s.", "both")
QUEUE_DEPTH = MetricName(
    "airlock_pipeline_queue_depth", "gauge", ("step",),
    "Datasets waiting for, or in, a step (`validate`, `anonymise`), read from the catalog.",
    "api")
QUEUE_OLDEST = MetricName(
    "airlock_pipeline_oldest_waiting_seconds", "gauge", (),
    "How long the longest-waiting dataset of the queue has been in its state (0: none).",
    "api")
STEPS_RUNNING = MetricName(
    "airlock_pipeline_steps_running", "gauge", ("step",),
    "Steps running now in any process, from their leases in the catalog.", "api")
ITEMS_PER_SECOND = MetricName(
    "airlock_pipeline_items_per_second", "gauge", ("step",),
    "Items/s of the steps running now in any process, summed (their progress in the "
    "catalog: items done since each started).", "api")
OVERDUE = MetricName(
    "airlock_datasets_overdue_for_purge", "gauge", ("cause",),
    "Datasets past their purge due date, not purged and not under legal hold. Pages: "
    "deleting on time is contractual.", "api")
OVERDUE_OLDEST = MetricName(
    "airlock_purge_overdue_seconds", "gauge", (),
    "How long past its due date the most overdue of those is (0: none).", "api")
HELD_PAST_DUE = MetricName(
    "airlock_datasets_held_past_due", "gauge", (),
    "Datasets past their due date kept under a legal hold (not overdue: informative).",
    "api")
PURGES_COMPLETED = MetricName(
    "airlock_purges_completed_total", "counter", ("cause",),
    "Purges finished with a certificate, by cause, from the catalog.", "api")
PURGES_UNFINISHED = MetricName(
    "airlock_purges_unfinished", "gauge", ("cause",),
    "Purges started and not finished (running, or failed and waiting for the next "
    "sweep), by cause.", "api")
SWEEP_DATASETS = MetricName(
    "airlock_retention_sweep_datasets_total", "counter", ("outcome",),
    "Due datasets handled by this worker's sweeps: `purged`, `held` or `failed`.", "worker")
CHECKPOINT_AGE = MetricName(
    "airlock_audit_checkpoint_age_seconds", "gauge", (),
    "Age of the latest signed audit checkpoint (absent before the first).", "api")
EVENTS_UNSIGNED = MetricName(
    "airlock_audit_events_since_checkpoint", "gauge", (),
    "Audit events after the latest signed checkpoint.", "api")
VERIFICATION_PASSED = MetricName(
    "airlock_audit_verification_passed", "gauge", (),
    "1 when the latest recorded verification of the audit log found it intact, else 0 "
    "(absent before the first).", "api")
VERIFICATION_AGE = MetricName(
    "airlock_audit_verification_age_seconds", "gauge", (),
    "Age of the latest recorded verification of the audit log.", "api")
SERVE_WORKER_UP = MetricName(
    "airlock_serve_worker_up", "gauge", (),
    "1 while `airlock serve`'s own worker process runs, 0 while it is down or restarting; "
    "absent when serve runs none (AIRLOCK_SERVE_WORKER=false).",
    "api")
SERVE_WORKER_RESTARTS = MetricName(
    "airlock_serve_worker_restarts_total", "counter", (),
    "Times `airlock serve` restarted its own worker after it died.", "api")
WORKER_HEARTBEAT = MetricName(
    "airlock_worker_heartbeat_timestamp_seconds", "gauge", (),
    "Unix time the worker's loop last went round (a stuck worker stops moving it).",
    "worker")

ALL: tuple[MetricName, ...] = (
    HTTP_REQUESTS, HTTP_DURATION, UPLOADS_IN_FLIGHT, UPLOAD_BYTES, AUTH_FAILURES,
    AUTH_REFUSED, STEP_DURATION, STEP_ITEMS, QUEUE_DEPTH, QUEUE_OLDEST, STEPS_RUNNING,
    ITEMS_PER_SECOND, OVERDUE, OVERDUE_OLDEST, HELD_PAST_DUE, PURGES_COMPLETED,
    PURGES_UNFINISHED, SWEEP_DATASETS, CHECKPOINT_AGE, EVENTS_UNSIGNED, VERIFICATION_PASSED,
    VERIFICATION_AGE, SERVE_WORKER_UP, SERVE_WORKER_RESTARTS, WORKER_HEARTBEAT)


def sample_names(metric: MetricName) -> tuple[str, ...]:
    """The series names a rule or a dashboard may query for `metric`."""
    if metric.kind == "histogram":
        return tuple(f"{metric.name}_{end}" for end in ("bucket", "sum", "count"))
    return (metric.name,)
