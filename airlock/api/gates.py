"""Admission of long or heavy requests: caps per token, per tenant and in all, and threads
of their own.

An upload holds a thread while its body streams into the vault; a PII request holds one
while the models run. Each kind runs on its own capacity limiter, so however many are in
flight (or stalled) the threads of every other route stay free; beyond a cap a request is
refused with 429 before any work is done.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Request
from prometheus_client import Gauge

from airlock.api.problems import Problem
from airlock.metrics.instruments import UPLOADS_IN_FLIGHT
from airlock.settings import Settings
from audit import Actor

# Background validations start at most this many at once (each decodes images on
# `validation_workers` threads of its own); the worker picks up what waits here too.
BACKGROUND_VALIDATIONS = 2


class Gate:
    """Counts one kind of request in flight. Used only from the event loop, so it needs
    no lock."""

    def __init__(self, what: str, per_token: int, per_tenant: int, total: int,
                 threads: int, retry_after_seconds: float, gauge: Gauge | None = None) -> None:
        """At most `total` in flight, running on `threads` threads (the rest wait);
        `gauge` follows how many are in flight."""
        self.what = what
        self.per_token = per_token
        self.per_tenant = per_tenant
        self.total = total
        self.threads = anyio.CapacityLimiter(threads)
        self.retry_after = str(max(1, round(retry_after_seconds)))
        self._tokens: Counter[str] = Counter()
        self._tenants: Counter[str] = Counter()
        self._in_flight = 0
        self._gauge = gauge

    @contextmanager
    def admit(self, actor: Actor, tenant_id: str | None) -> Iterator[None]:
        """Hold one slot of the token, of its tenant (if any) and of the instance."""
        if self._tokens[actor.id] >= self.per_token:
            raise self._busy(f"this token has {self.per_token} {self.what} in flight")
        if tenant_id is not None and self._tenants[tenant_id] >= self.per_tenant:
            raise self._busy(f"this tenant has {self.per_tenant} {self.what} in flight")
        if self._in_flight >= self.total:
            raise self._busy(f"the service has as many {self.what} in flight as it takes")
        self._tokens[actor.id] += 1
        if tenant_id is not None:
            self._tenants[tenant_id] += 1
        self._in_flight += 1
        if self._gauge is not None:
            self._gauge.inc()
        try:
            yield
        finally:
            _release(self._tokens, actor.id)
            if tenant_id is not None:
                _release(self._tenants, tenant_id)
            self._in_flight -= 1
            if self._gauge is not None:
                self._gauge.dec()

    def _busy(self, why: str) -> Problem:
        return Problem(429, f"{why}; retry when one has finished",
                       headers={"Retry-After": self.retry_after})


def _release(counts: Counter[str], key: str) -> None:
    counts[key] -= 1
    if not counts[key]:
        del counts[key]


@dataclass(frozen=True)
class Gates:
    uploads: Gate
    pii: Gate
    validations: anyio.CapacityLimiter


def make_gates(settings: Settings) -> Gates:
    return Gates(
        uploads=Gate("uploads", settings.upload_max_per_token, settings.upload_max_per_tenant,
                     settings.upload_max_concurrent, settings.upload_max_concurrent,
                     settings.upload_read_timeout_seconds, UPLOADS_IN_FLIGHT),
        # The models are CPU-bound: more threads than cores only queue inside them.
        pii=Gate("text requests", settings.pii_max_per_token, settings.pii_max_per_tenant,
                 settings.pii_max_concurrent, os.cpu_count() or 1, 1),
        validations=anyio.CapacityLimiter(BACKGROUND_VALIDATIONS))


def gates(request: Request) -> Gates:
    found: Gates = request.app.state.gates
    return found


GatesDep = Annotated[Gates, Depends(gates)]
