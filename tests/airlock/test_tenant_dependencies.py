"""Tenant checks are dependencies: every route that names a dataset, a contract or a tenant
in its path declares the dependency that confines the actor to its tenant, so no handler
has a check to remember."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import airlock.api.routes
from airlock.api.deps import ContractAccess, DatasetAccess, tenant_in_reach

GUARDS: dict[str, Any] = {"dataset_id": DatasetAccess, "ref": ContractAccess,
                          "tenant": tenant_in_reach}


def _calls(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_calls(sub))
    return found


def _guarded(route: APIRoute, param: str) -> bool:
    guard = GUARDS[param]
    return any(call is guard or (isinstance(guard, type) and isinstance(call, guard))
               for call in _calls(route.dependant))


def _routes() -> list[APIRoute]:
    modules = [importlib.import_module(f"airlock.api.routes.{info.name}")
               for info in pkgutil.iter_modules(airlock.api.routes.__path__)]
    return [route for module in modules for route in module.router.routes
            if isinstance(route, APIRoute)]


def test_every_route_naming_a_tenant_object_declares_its_tenant_dependency() -> None:
    routes = _routes()
    named = [(route, param) for route in routes for param in GUARDS
             if f"{{{param}}}" in route.path]
    assert len(named) >= 12  # datasets, holds, certificates, training, contracts, tenants
    assert [(route.path, sorted(route.methods or ())) for route, param in named
            if not _guarded(route, param)] == []
