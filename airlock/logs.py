"""The service's log: one JSON event per line (or, with AIRLOCK_LOG_FORMAT=text, a readable
line for a terminal), at the level of `AIRLOCK_LOG_LEVEL`. Messages carry ids, counts and
types only (tests/e2e/test_leak_scan.py scans a whole run at debug level for planted values).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import warnings
from datetime import UTC, datetime
from typing import Any, Literal

from audit import current_request_id

LogFormat = Literal["json", "text"]

# At debug level Presidio logs every recognizer's timing for every text: noise that would
# drown the service's own messages. Pillow logs every EXIF tag with its value (an artist's
# name, a caption). Their warnings still show.
_QUIET = ("presidio-analyzer", "presidio-anonymizer", "spacy", "PIL")

_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message"}
"""What every record has (and uvicorn's coloured copy of its message); anything else on a
record is an `extra=` the code passed."""


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in vars(record).items()
            if key not in _RECORD_FIELDS and not key.startswith("_")}


def _exception_type(record: logging.LogRecord) -> str | None:
    """The exception's class only: its message and its traceback's source lines can quote
    data (an entry name, a label value, an SQL parameter)."""
    if record.exc_info and record.exc_info[0] is not None:
        kind = record.exc_info[0]
        return f"{kind.__module__}.{kind.__qualname__}"
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id
    when the line belongs to a request, the record's extras, and an exception's type."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id is not None:
            event["request_id"] = request_id
        event.update({k: v for k, v in _extras(record).items() if k not in event})
        if (kind := _exception_type(record)) is not None:
            event["exception"] = kind
        return json.dumps(event, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time level logger [request id]: message key=value ...`, exceptions by type only."""

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%d %H:%M:%S")
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        line = f"{at} {record.levelname} {record.name}"
        line += f" [{request_id}]: " if request_id else ": "
        line += record.getMessage()
        extras = {k: v for k, v in _extras(record).items() if k != "request_id"}
        line += "".join(f" {key}={value}" for key, value in extras.items())
        if (kind := _exception_type(record)) is not None:
            line += f" ({kind})"
        return line


FORMATTERS: dict[LogFormat, type[logging.Formatter]] = {"json": JsonFormatter,
                                                         "text": TextFormatter}


def configure_logging(level: str, log_format: LogFormat = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FORMATTERS[log_format]())
    logging.basicConfig(level=level.upper(), handlers=[handler])
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.showwarning = _log_warning
    threading.excepthook = _log_thread_death


def _log_thread_death(args: threading.ExceptHookArgs) -> None:
    """A thread ended by an exception, as a log line with its type: Python's own hook would
    print the message and traceback, which can quote data, across several lines."""
    if issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "unknown"
    logging.getLogger("airlock").error("thread %s ended by an exception", name,
                                       exc_info=args.exc_value)


def _log_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: Any = None, line: str | None = None) -> None:
    """A warning as a log line of its category and place: its text may quote data, and
    printed as Python does it would break the one-event-per-line log."""
    logging.getLogger("py.warnings").warning("%s at %s:%d", category.__name__, filename,
                                             lineno)


class WebSocketPathDropped(logging.Filter):
    """uvicorn logs a WebSocket handshake (the API has none, so each is refused) with the
    client's address and the raw path, query string included: both are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith('%s - "WebSocket %s"') \
                and isinstance(record.args, tuple) and len(record.args) >= 2:
            record.args = ("-", "-", *record.args[2:])
        return True


def server_log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging: its lines go to the root handler of `configure_logging`, and its
    access log is off (the API's RequestIds middleware logs each request by route template,
    never its path or query string)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_websocket_path": {"()": WebSocketPathDropped}},
        "loggers": {
            "uvicorn": {"level": level.upper(), "handlers": [], "propagate": True},
            "uvicorn.error": {"filters": ["no_websocket_path"], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
