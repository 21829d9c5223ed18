"""Upload admission: caps per token, per tenant and in all, and threads of their own.

An upload holds a thread while its body streams into the vault. Uploads run on their own
capacity limiter, so however many are in flight (or stalled) the threads of every other
route stay free; beyond a cap an upload is refused with 429 before any body is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import anyio
from fastapi import Depends, Request

from airlock.api.problems import Problem
from airlock.settings import Settings
from audit import Actor

# Background validations start at most this many at once (each decodes images on
# `validation_workers` threads of its own); the worker picks up what waits here too.
BACKGROUND_VALIDATIONS = 2


class UploadGate:
    """Counts uploads in flight. Used only from the event loop, so it needs no lock."""

    def __init__(self, settings: Settings) -> None:
        self.per_token = settings.upload_max_per_token
        self.per_tenant = settings.upload_max_per_tenant
        self.threads = anyio.CapacityLimiter(settings.upload_max_concurrent)
        self.validations = anyio.CapacityLimiter(BACKGROUND_VALIDATIONS)
        self.retry_after = str(max(1, round(settings.upload_read_timeout_seconds)))
        self._tokens: Counter[str] = Counter()
        self._tenants: Counter[str] = Counter()
        self._in_flight = 0

    @contextmanager
    def admit(self, actor: Actor, tenant_id: str) -> Iterator[None]:
        """Hold one upload slot of the token, of the tenant and of the instance."""
        if self._tokens[actor.id] >= self.per_token:
            raise self._busy(f"this token has {self.per_token} uploads in flight")
        if self._tenants[tenant_id] >= self.per_tenant:
            raise self._busy(f"this tenant has {self.per_tenant} uploads in flight")
        if self._in_flight >= self.threads.total_tokens:
            raise self._busy("the service has as many uploads in flight as it takes")
        self._tokens[actor.id] += 1
        self._tenants[tenant_id] += 1
        self._in_flight += 1
        try:
            yield
        finally:
            _release(self._tokens, actor.id)
            _release(self._tenants, tenant_id)
            self._in_flight -= 1

    def _busy(self, why: str) -> Problem:
        return Problem(429, f"{why}; retry when one has finished",
                       headers={"Retry-After": self.retry_after})


def _release(counts: Counter[str], key: str) -> None:
    counts[key] -= 1
    if not counts[key]:
        del counts[key]


def upload_gate(request: Request) -> UploadGate:
    gate: UploadGate = request.app.state.uploads
    return gate


UploadGateDep = Annotated[UploadGate, Depends(upload_gate)]
