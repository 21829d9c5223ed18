"""Tenants: the clients whose datasets Airlock holds."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import ConflictError, NotFoundError
from catalog.models import Tenant

TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$")


def create_tenant(session: Session, name: str) -> Tenant:
    if not TENANT_NAME.fullmatch(name):
        raise ValueError(
            f"tenant name '{name[:64]}' is invalid: use 1-64 lowercase letters, digits and "
            "dashes, starting and ending with a letter or digit"
        )
    if session.execute(select(Tenant.id).where(Tenant.name == name)).first():
        raise ConflictError(f"tenant '{name}' already exists")
    tenant = Tenant(name=name)
    session.add(tenant)
    session.flush()
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.execute(select(Tenant).order_by(Tenant.name)).scalars())


def get_tenant(session: Session, ident: str) -> Tenant:
    """By id or by name."""
    tenant = session.execute(
        select(Tenant).where((Tenant.id == ident) | (Tenant.name == ident))
    ).scalar_one_or_none()
    if tenant is None:
        raise NotFoundError("tenant", ident)
    return tenant
