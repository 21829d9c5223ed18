"""The real PII engine, loaded once for the test session."""

from __future__ import annotations

import pytest

from anonymize.engine import PiiEngine, build_engine


@pytest.fixture(scope="session")
def pii_engine() -> PiiEngine:
    return build_engine()
