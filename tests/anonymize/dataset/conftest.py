"""A rewriting context around the real PII engine (tests/anonymize/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from anonymize.dataset.batch import Rewriting
from anonymize.dataset.mapping import MappingSink
from anonymize.dataset.names import PathNamer
from anonymize.dataset.pool import LocalPool
from anonymize.dataset.tally import Tally
from anonymize.text import Detector

KEY = b"k" * 32


@dataclass
class Context:
    rewriting: Rewriting
    parts: list[bytes] = field(default_factory=list)


def make_context(engine: Detector, operators: dict[str, str] | None = None,
                 fixed: frozenset[str] = frozenset(), rename: bool = True,
                 key: bytes = KEY) -> Context:
    parts: list[bytes] = []
    pool = LocalPool(operators or {}, key, engine)
    tally = Tally()
    return Context(Rewriting(pool, PathNamer(pool, key, fixed, tally, rename), tally,
                             MappingSink(parts.append, part_records=3)), parts)


@pytest.fixture
def context(pii_engine: Detector) -> Context:
    return make_context(pii_engine, fixed=frozenset({"images", "Annotations", "JPEGImages"}))
