"""The id of the HTTP request being served, for the events it causes.

It lives here, not in `airlock`, because the audit log records it (domain packages never
import `airlock`); the API's middleware sets it and background steps inherit or restore it.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""What an id may look like, an incoming `X-Request-ID` included: it is logged and hashed
into audit events, so nothing that could carry data or break a log line."""

current_request_id: ContextVar[str | None] = ContextVar("airlock_request_id", default=None)


def valid_request_id(value: str | None) -> bool:
    return value is not None and REQUEST_ID.fullmatch(value) is not None
