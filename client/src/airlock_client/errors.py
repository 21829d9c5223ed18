"""What can go wrong, each with the exit status the documentation promises."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    """The server refused or the work failed: a rejected dataset, a digest mismatch, an
    evidence document that does not verify, a 4xx other than authentication."""
    USAGE = 2
    """Bad arguments, a missing setting, a file that cannot be read."""
    NETWORK = 3
    """The instance could not be reached, or the connection broke and retries ran out."""
    AUTH = 4
    """The token is missing, unknown, expired or lacks the permission."""
    TIMEOUT = 5
    """`--timeout` ran out while the server was still working on the dataset."""


class ClientError(Exception):
    """An error to report in one line and exit with `code`; the message never quotes the
    token."""

    code = ExitCode.FAILED


class UsageError(ClientError):
    code = ExitCode.USAGE


class NetworkError(ClientError):
    code = ExitCode.NETWORK


class AuthError(ClientError):
    code = ExitCode.AUTH


class WaitTimeout(ClientError):
    code = ExitCode.TIMEOUT


class ApiError(ClientError):
    """The server answered with an error (RFC 9457 problem details when it can)."""

    def __init__(self, status: int, detail: str, retry_after: str | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.retry_after = retry_after
        """The answer's Retry-After header (429, 503), as sent."""
