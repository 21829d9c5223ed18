"""The service's log: one format, the level of `AIRLOCK_LOG_LEVEL`. Messages carry ids,
counts and types only (tests/e2e/test_canary.py runs the service at debug level)."""

from __future__ import annotations

import copy
import logging
from typing import Any

# At debug level Presidio logs every recognizer's timing for every text: noise that would
# drown the service's own messages. Pillow logs every EXIF tag with its value (an artist's
# name, a caption). Their warnings still show.
_QUIET = ("presidio-analyzer", "presidio-anonymizer", "spacy", "PIL")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


class PathWithoutQuery(logging.Filter):
    """Drops the query string from uvicorn's access-log lines: a query parameter may carry a
    value that must never be logged, now or after a future change to the API."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].partition("?")[0], *args[3:])
        return True


def server_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the access log's query strings dropped."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"path_only": {"()": PathWithoutQuery}}
    config["handlers"]["access"]["filters"] = ["path_only"]
    return config
