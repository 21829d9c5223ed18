"""The service's log: one format, the level of `AIRLOCK_LOG_LEVEL`. Messages carry ids,
counts and types only (tests/e2e/test_canary.py runs the service at debug level)."""

from __future__ import annotations

import logging

# At debug level Presidio logs every recognizer's timing for every text: noise that would
# drown the service's own messages. Their warnings still show.
_QUIET = ("presidio-analyzer", "presidio-anonymizer", "spacy")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
