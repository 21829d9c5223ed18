"""Tenants (admin; a client may read its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from airlock.admin import new_tenant
from airlock.api.deps import InstanceDep, Requires, tenant_in_reach
from airlock.api.schemas import TenantCreate, TenantOut
from airlock.permissions import Permission
from audit import Actor
from catalog import list_tenants

router = APIRouter(prefix="/v1/tenants", tags=["tenants"])
Admin = Annotated[Actor, Depends(Requires(Permission.TENANTS_MANAGE))]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: TenantCreate, instance: InstanceDep, actor: Admin) -> TenantOut:
    with instance.transaction(actor) as tx:
        return TenantOut.model_validate(new_tenant(tx, body.name))


@router.get("")
def index(instance: InstanceDep, actor: Admin) -> list[TenantOut]:
    with instance.reading() as session:
        return [TenantOut.model_validate(t) for t in list_tenants(session)]


@router.get("/{tenant}")
def show(found: Annotated[TenantOut, Depends(tenant_in_reach)]) -> TenantOut:
    """By id or name. Admins see any tenant; a client only its own (another is a 404, as an
    unknown one)."""
    return found
