"""Contracts (admin adds; a client reads its own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from airlock.api.deps import ContractAccess, InstanceDep, Requires, tenant_scope
from airlock.api.schemas import ContractAdded, ContractCreate, ContractOut
from airlock.permissions import Permission
from audit import Actor
from catalog import get_tenant, list_contracts
from intake import add_contract

router = APIRouter(prefix="/v1/contracts", tags=["contracts"])
Admin = Annotated[Actor, Depends(Requires(Permission.CONTRACTS_MANAGE))]
Reader = Annotated[Actor, Depends(Requires(Permission.CONTRACTS_READ))]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: ContractCreate, instance: InstanceDep, actor: Admin) -> ContractAdded:
    """Add a contract (the YAML file's text). A changed contract becomes a new version."""
    with instance.transaction(actor) as tx:
        contract, created = add_contract(tx, body.tenant, body.yaml, "yaml")
        return ContractAdded(**ContractOut.model_validate(contract).model_dump(),
                             new_version=created)


@router.get("")
def index(instance: InstanceDep, actor: Reader,
          tenant: Annotated[str | None, Query(max_length=64)] = None) -> list[ContractOut]:
    with instance.reading() as session:
        tenant_id = tenant_scope(actor) or (get_tenant(session, tenant).id if tenant else None)
        return [ContractOut.model_validate(c) for c in list_contracts(session, tenant_id)]


@router.get("/{ref}")
def show(contract: Annotated[ContractOut, Depends(ContractAccess(Permission.CONTRACTS_READ))],
         ) -> ContractOut:
    """By id; a client may also use `name` or `name@version` (within its tenant). Another
    tenant's contract answers as an unknown one (404)."""
    return contract
