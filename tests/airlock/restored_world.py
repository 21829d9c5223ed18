"""`initialised` and `world` taken from the world restored per test (`restored_world`): a
test module whose tests all use the world imports these two, and they override
tests/airlock/conftest.py's, which build it afresh for every test. (Named apart from their
fixtures, so that a test's `world` argument does not shadow the import.)"""

from __future__ import annotations

import pytest

from airlock.instance import InitResult
from tests.airlock.conftest import SavedWorld, World


@pytest.fixture(name="initialised")
def restored_initialised(restored_world: SavedWorld) -> InitResult:
    """Every test of the module starts from the world: built once per backend, restored per
    test."""
    return restored_world.initialised


@pytest.fixture(name="world")
def restored_world_itself(restored_world: SavedWorld) -> World:
    return restored_world.world
