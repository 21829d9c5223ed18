"""Trying a request again after a failure that may pass: a broken connection, a 5xx, 408
(too slow) or 429 (too busy, with its Retry-After honoured). Capped exponential backoff with
jitter, a bounded number of attempts, then a network error (exit 3): the command can be run
again and resumes."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from airlock_client.errors import ApiError, ClientError, NetworkError
from airlock_client.planning import backoff, parse_retry_after

T = TypeVar("T")
ATTEMPTS = 10
"""With waits of 1, 2, 4 ... 60 s: about four minutes, enough for a server to restart."""


def retryable(exc: ClientError) -> bool:
    if isinstance(exc, NetworkError):
        return True
    return isinstance(exc, ApiError) and (exc.status in (408, 429) or exc.status >= 500)


@dataclass(frozen=True)
class Retrying:
    attempts: int = ATTEMPTS
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random  # spreads retries; no secret

    def run(self, what: str, call: Callable[[bool], T]) -> T:
        """`call`'s result, calling it again after each retryable failure. It is told whether
        the last failure was a broken connection, so it can re-read the server's state
        before sending anything more."""
        failure: ClientError | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                return call(isinstance(failure, NetworkError))
            except ClientError as exc:
                if not retryable(exc):
                    raise
                failure = exc
            if attempt < self.attempts:
                after = failure.retry_after if isinstance(failure, ApiError) else None
                self.sleep(backoff(attempt, self.jitter(), parse_retry_after(after)))
        raise NetworkError(f"{what}: gave up after {self.attempts} attempts (last: {failure}); "
                           "run the same command again to resume")
