from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from airlock.admin import create_token, new_tenant
from airlock.api.app import create_app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import Role


@dataclass(frozen=True)
class World:
    """Two tenants and a token for every role."""

    own_tenant: str
    other_tenant: str
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


@pytest.fixture
def world(instance: Instance) -> World:
    with instance.transaction(SYSTEM) as tx:
        own = new_tenant(tx, "own")
        other = new_tenant(tx, "other")
        tokens = {
            "admin": create_token(tx, name="a", role=Role.ADMIN, tenant=None),
            "client": create_token(tx, name="c", role=Role.CLIENT, tenant="own"),
            "compliance": create_token(tx, name="k", role=Role.COMPLIANCE, tenant=None),
            "operator": create_token(tx, name="o", role=Role.OPERATOR, tenant=None),
        }
    return World(own.id, other.id, {k: v.plaintext for k, v in tokens.items()})


@pytest.fixture
def client(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as test_client:
        yield test_client
