"""Failed authentications, counted and rate-limited per source address.

An anonymous flood must neither fill the audit log nor reach the database: each 401 is
counted in memory per source address and window, and one `access.authentication_failed`
event per source and window (the count, and the count by reason) is written once the window
has closed. A source past the limit within its window is answered 429 with Retry-After
before any database work, whatever it sends, so tokens cannot be guessed at speed either.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from airlock.api.problems import Problem
from airlock.instance import Instance
from airlock.metrics.instruments import AUTH_FAILURES, AUTH_REFUSED
from audit import SYSTEM, current_request_id
from audit.events import AuthenticationFailed

UNKNOWN = "unknown"
"""The source of a request without a client address, and of every source once the table
is full (so memory stays bounded under a flood from many addresses)."""


def source_address(request: Request) -> str:
    host = request.client.host if request.client else ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return UNKNOWN


@dataclass
class FailureWindow:
    source: str
    started: float
    failures: int = 0
    refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


class FailedAuthentications:
    """The open windows in start order (a dict keeps insertion order), and the closed ones
    not yet written. Thread-safe: sync dependencies run in a thread pool."""

    def __init__(self, window_seconds: float, limit: int, max_sources: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window_seconds = window_seconds
        self._limit = limit
        self._max_sources = max_sources
        self._clock = clock
        self._open: dict[str, FailureWindow] = {}
        self._closed: list[FailureWindow] = []
        self._lock = threading.Lock()

    def retry_after(self, source: str) -> int | None:
        """Seconds to wait when `source` is past the limit in its window (the refusal is
        counted), else None."""
        with self._lock:
            window = self._open.get(source)
            now = self._clock()
            if window is None or self._ended(window, now) or window.failures < self._limit:
                return None
            window.refused += 1
            AUTH_REFUSED.inc()
            return max(1, math.ceil(window.started + self.window_seconds - now))

    def fail(self, source: str, reason: str) -> None:
        with self._lock:
            now = self._clock()
            window = self._open.get(source)
            if window is not None and self._ended(window, now):
                self._closed.append(self._open.pop(source))
                window = None
            if window is None:
                if len(self._open) >= self._max_sources and source not in self._open:
                    source = UNKNOWN
                window = self._open.get(source) or FailureWindow(source, now)
                self._open[source] = window
            window.failures += 1
            window.reasons[reason] += 1
            AUTH_FAILURES.labels(reason).inc()

    def take_closed(self, everything: bool = False) -> list[FailureWindow]:
        """The windows that have ended (or all, at shutdown), removed from memory."""
        with self._lock:
            now = self._clock()
            taken, self._closed = self._closed, []
            for source, window in list(self._open.items()):
                if not everything and not self._ended(window, now):
                    break  # later windows started later
                taken.append(self._open.pop(source))
            return taken

    def _ended(self, window: FailureWindow, now: float) -> bool:
        return now >= window.started + self.window_seconds


def record_closed(instance: Instance, failures: FailedAuthentications,
                  everything: bool = False) -> None:
    """One audit event per closed window, in one transaction."""
    windows = failures.take_closed(everything)
    if not windows:
        return
    # A window sums many requests: the one that happens to close it is not its request.
    outside_requests = current_request_id.set(None)
    try:
        with instance.transaction(SYSTEM) as tx:
            for window in windows:
                tx.record(AuthenticationFailed(
                    source=window.source, window_seconds=round(failures.window_seconds),
                    failures=window.failures, refused=window.refused,
                    reasons=dict(window.reasons.most_common(50))))
    finally:
        current_request_id.reset(outside_requests)


async def record_periodically(instance: Instance, failures: FailedAuthentications) -> None:
    """Write closed windows at least once a window, so a quiet source is recorded too."""
    while True:
        await asyncio.sleep(failures.window_seconds)
        await run_in_threadpool(record_closed, instance, failures)


def unauthenticated(request: Request, instance: Instance, failures: FailedAuthentications,
                    reason: str) -> Problem:
    """Count the failure (written later, aggregated) and return the 401 to raise."""
    failures.fail(source_address(request), reason)
    record_closed(instance, failures)
    return Problem(401, "authentication required: send a valid token as "
                        "`Authorization: Bearer alk_...`", headers={"WWW-Authenticate": "Bearer"})


def too_many(request: Request, failures: FailedAuthentications) -> Problem | None:
    """The 429 to raise when the request's source is past the limit, else None."""
    retry = failures.retry_after(source_address(request))
    if retry is None:
        return None
    return Problem(429, "too many failed authentications from this address; try again later",
                   headers={"Retry-After": str(retry)})
