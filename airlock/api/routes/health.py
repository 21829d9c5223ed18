"""Liveness and readiness, and who the caller is."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import text

from airlock.api.deps import InstanceDep, Requires
from airlock.api.problems import Problem
from airlock.api.schemas import Health, Identity
from airlock.permissions import Permission
from audit import Actor

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health")
def health(instance: InstanceDep) -> Health:
    """No authentication: for load balancers and `make run`."""
    try:
        with instance.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise Problem(503, "the database is unreachable") from exc
    return Health(status="ok", database=instance.engine.dialect.name, version=version("airlock"))


@router.get("/whoami")
def whoami(actor: Annotated[Actor, Depends(Requires(Permission.IDENTITY_READ))]) -> Identity:
    return Identity(actor=actor.id, role=actor.role, tenant_id=actor.tenant_id)
