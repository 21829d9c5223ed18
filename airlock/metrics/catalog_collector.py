"""Gauges read from the catalog when Prometheus scrapes: the queue, the steps running,
overdue purges, the audit log's checkpoints and verification. Any API process reports the
same truth, whichever process did the work. Counts by fixed labels only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from airlock.instance import Instance
from airlock.metrics import names
from airlock.metrics.names import MetricName
from airlock.readiness import WAITING_ANONYMISATION, WAITING_VALIDATION
from airlock.retention_jobs import due_rules
from audit.checkpoints import log_state
from audit.events import AuditVerified
from catalog import AuditEventRecord, Dataset, PurgeRecord, StepRun, utcnow
from retention import Cause, find_due

_QUEUE = {"validate": WAITING_VALIDATION, "anonymise": WAITING_ANONYMISATION}


class CatalogCollector(Collector):
    def __init__(self, instance: Instance) -> None:
        self._instance = instance

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        now = utcnow()
        with self._instance.reading() as session:
            yield from _queue(session, now)
            yield from _running(session, now, self._instance.settings.step_lease_seconds)
            yield from _overdue(session, now, self._instance)
            yield from _purges(session)
            yield from _audit(session, now)


def _gauge(metric: MetricName, value: float | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(metric.name, metric.help, value=value,
                             labels=None if value is not None else list(metric.labels))


def _by(metric: MetricName, values: dict[str, float], every: Iterable[str]
        ) -> GaugeMetricFamily:
    """One series per label value of `every`, zero when absent, so a rule sees 0, not
    nothing."""
    family = _gauge(metric)
    for label in every:
        family.add_metric([label], values.get(label, 0))
    return family


def _queue(session: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
    waiting = [state for states in _QUEUE.values() for state in states]
    counts = {state: count for state, count in session.execute(
        select(Dataset.state, func.count()).where(Dataset.state.in_(waiting))
        .group_by(Dataset.state))}
    yield _by(names.QUEUE_DEPTH, {step: sum(counts.get(s, 0) for s in states)
                                  for step, states in _QUEUE.items()}, _QUEUE)
    oldest = session.scalar(select(func.min(Dataset.state_changed_at))
                            .where(Dataset.state.in_(waiting)))
    yield _gauge(names.QUEUE_OLDEST, 0 if oldest is None else (now - oldest).total_seconds())


def _running(session: Session, now: datetime, lease_seconds: float
             ) -> Iterator[GaugeMetricFamily]:
    """Live leases only: one whose heartbeat lapsed is a dead process's."""
    live = session.scalars(select(StepRun).where(
        StepRun.heartbeat_at >= now - timedelta(seconds=lease_seconds))).all()
    running: Counter[str] = Counter(run.step for run in live)
    rates: dict[str, float] = {}
    for run in live:
        rates[run.step] = rates.get(run.step, 0) + (run.items_per_second or 0)
    yield _by(names.STEPS_RUNNING, dict(running), _QUEUE)
    yield _by(names.ITEMS_PER_SECOND, rates, _QUEUE)


def _overdue(session: Session, now: datetime, instance: Instance
             ) -> Iterator[GaugeMetricFamily]:
    due = [d for d in find_due(session, now, due_rules(instance)) if d.due_at <= now]
    overdue = [d for d in due if not d.held]
    yield _by(names.OVERDUE, dict(Counter(d.cause.value for d in overdue)),
              (cause.value for cause in Cause))
    yield _gauge(names.OVERDUE_OLDEST, max(((now - d.due_at).total_seconds()
                                            for d in overdue), default=0))
    yield _gauge(names.HELD_PAST_DUE, len(due) - len(overdue))


def _purges(session: Session) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    counts = session.execute(select(PurgeRecord.cause, PurgeRecord.finished_at.is_(None),
                                    func.count())
                             .group_by(PurgeRecord.cause, PurgeRecord.finished_at.is_(None))
                             ).all()
    completed = CounterMetricFamily(names.PURGES_COMPLETED.name, names.PURGES_COMPLETED.help,
                                    labels=list(names.PURGES_COMPLETED.labels))
    finished = {cause: count for cause, unfinished, count in counts if not unfinished}
    for cause in Cause:
        completed.add_metric([cause.value], finished.get(cause.value, 0))
    yield completed
    yield _by(names.PURGES_UNFINISHED, {cause: count for cause, unfinished, count in counts
                                        if unfinished}, (cause.value for cause in Cause))


def _audit(session: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
    state = log_state(session)
    if state.checkpoint is not None:
        yield _gauge(names.CHECKPOINT_AGE, (now - state.checkpoint.at).total_seconds())
    yield _gauge(names.EVENTS_UNSIGNED, state.events_since)
    # Every verification through the API or the CLI is an audit event with its outcome.
    verified = session.execute(
        select(AuditEventRecord.at, AuditEventRecord.details)
        .where(AuditEventRecord.action == AuditVerified.action)
        .order_by(AuditEventRecord.seq.desc()).limit(1)).first()
    if verified is not None:
        yield _gauge(names.VERIFICATION_PASSED, 1 if verified.details.get("intact") else 0)
        yield _gauge(names.VERIFICATION_AGE, (now - verified.at).total_seconds())
