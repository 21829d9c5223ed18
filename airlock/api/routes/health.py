"""Liveness and readiness, and who the caller is."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from airlock.api.deps import InstanceDep, Requires
from airlock.api.problems import Problem
from airlock.api.schemas import Health, Identity
from airlock.permissions import Permission
from airlock.readiness import Readiness, readiness
from audit import Actor

router = APIRouter(prefix="/v1", tags=["health"])


@router.get("/health")
def health(instance: InstanceDep) -> Health:
    """Liveness, with no authentication (load balancers, `make run`). A read: it never
    waits on a write in progress."""
    try:
        with instance.reading() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        raise Problem(503, "the database is unreachable") from exc
    return Health(status="ok", database=instance.read_engine.dialect.name,
                  version=version("airlock"))


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness,
                                       "description": "The database or the vault is down."}})
def ready(instance: InstanceDep) -> JSONResponse:
    """Readiness, with no authentication: the database, the vault (writable now) and the
    queue of datasets waiting for validation or anonymisation, each on its own. 503 when
    the database or the vault is down."""
    found = readiness(instance)
    return JSONResponse(found.model_dump(), status_code=200 if found.ready else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/whoami")
def whoami(actor: Annotated[Actor, Depends(Requires(Permission.IDENTITY_READ))]) -> Identity:
    return Identity(actor=actor.id, role=actor.role, tenant_id=actor.tenant_id)
