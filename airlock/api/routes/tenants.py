"""Tenants (admin; a client may read its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from airlock.admin import new_tenant
from airlock.api.deps import ActorDep, InstanceDep, Requires, conceal, deny
from airlock.api.schemas import TenantCreate, TenantOut
from airlock.permissions import Permission, allows
from audit import Actor
from catalog import Tenant, get_tenant, list_tenants

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
def show(tenant: str, request: Request, instance: InstanceDep, actor: ActorDep) -> TenantOut:
    """By id or name. Admins see any tenant; a client only its own (another is a 404, as an
    unknown one)."""
    if allows(actor.role, Permission.TENANTS_MANAGE):
        with instance.reading() as session:
            return TenantOut.model_validate(get_tenant(session, tenant))
    if not (allows(actor.role, Permission.TENANT_READ_OWN) and actor.tenant_id):
        raise deny(instance, request, actor, 403, "role_lacks_tenant_read")
    with instance.reading() as session:
        own: Tenant = get_tenant(session, actor.tenant_id)
    if tenant not in (own.id, own.name):
        raise conceal(instance, request, actor, "tenant", tenant)
    return TenantOut.model_validate(own)
