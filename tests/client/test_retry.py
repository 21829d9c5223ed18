"""Which failures are tried again, how long the client waits, and when it gives up."""

from __future__ import annotations

import pytest

from airlock_client.errors import ApiError, AuthError, ExitCode, NetworkError
from airlock_client.retry import Retrying


class Flaky:
    """Fails with each of `failures` in turn, then answers "done"; notes what it was told."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.told: list[bool] = []

    def __call__(self, after_network: bool) -> str:
        self.told.append(after_network)
        if self.failures:
            raise self.failures.pop(0)
        return "done"


def test_passing_failures_are_retried_after_growing_waits() -> None:
    waits: list[float] = []
    call = Flaky(NetworkError("x"), ApiError(503, "busy"), ApiError(408, "slow"),
                 ApiError(500, "oops"))
    assert Retrying(sleep=waits.append, jitter=lambda: 1.0).run("part 1", call) == "done"
    assert waits == [1.0, 2.0, 4.0, 8.0]
    # Told after a broken connection, so it re-reads the upload's state before sending.
    assert call.told == [False, True, False, False, False]


def test_retry_after_is_honoured() -> None:
    waits: list[float] = []
    call = Flaky(ApiError(429, "too many uploads", retry_after="17"))
    Retrying(sleep=waits.append, jitter=lambda: 0.0).run("part 1", call)
    assert waits == [17.0]


@pytest.mark.parametrize("refusal", [ApiError(422, "digest mismatch"), ApiError(404, "gone"),
                                     ApiError(409, "not open"), AuthError("401: expired")])
def test_refusals_are_not_retried(refusal: Exception) -> None:
    call = Flaky(refusal)
    with pytest.raises(type(refusal)):
        Retrying(sleep=lambda _: None).run("part 1", call)
    assert len(call.told) == 1


def test_it_gives_up_after_its_attempts_with_a_network_error() -> None:
    call = Flaky(*[ApiError(503, "down")] * 5)
    with pytest.raises(NetworkError, match="gave up after 3 attempts") as raised:
        Retrying(attempts=3, sleep=lambda _: None).run("part 7", call)
    assert raised.value.code is ExitCode.NETWORK and len(call.told) == 3
    assert "run the same command again" in str(raised.value)
