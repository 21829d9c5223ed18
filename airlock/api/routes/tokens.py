"""API tokens (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from airlock.admin import TokenTenantError, approve, create_token, revoke
from airlock.api.deps import InstanceDep, Requires
from airlock.api.problems import Problem
from airlock.api.schemas import TokenCreate, TokenIssued, TokenOut
from airlock.permissions import Permission
from audit import Actor
from catalog import find_token, get_tenant, list_tokens

router = APIRouter(prefix="/v1/tokens", tags=["tokens"])
Admin = Annotated[Actor, Depends(Requires(Permission.TOKENS_MANAGE))]
Approver = Annotated[Actor, Depends(Requires(Permission.TOKENS_APPROVE))]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: TokenCreate, instance: InstanceDep, actor: Admin) -> TokenIssued:
    """Issue a token. The secret is in the response once and never again. A reidentifier
    token is refused until a compliance officer approves it."""
    with instance.transaction(actor) as tx:
        try:
            issued = create_token(tx, name=body.name, role=body.role, tenant=body.tenant,
                                  expires_in_days=body.expires_in_days)
        except TokenTenantError as exc:
            raise Problem(400, exc.describe("the field `tenant`")) from None
        token = find_token(tx.session, issued.token_id)
        return TokenIssued(**TokenOut.model_validate(token).model_dump(),
                           token=issued.plaintext)


@router.get("")
def index(instance: InstanceDep, actor: Admin,
          tenant: Annotated[str | None, Query(max_length=64)] = None) -> list[TokenOut]:
    with instance.reading() as session:
        tenant_id = get_tenant(session, tenant).id if tenant else None
        return [TokenOut.model_validate(t) for t in list_tokens(session, tenant_id)]


@router.delete("/{token_id}")
def delete(token_id: str, instance: InstanceDep, actor: Admin) -> TokenOut:
    """Revoke a token; it is refused from then on."""
    with instance.transaction(actor) as tx:
        return TokenOut.model_validate(revoke(tx, token_id))


@router.post("/{token_id}/approve")
def approve_reidentifier(token_id: str, instance: InstanceDep, actor: Approver) -> TokenOut:
    """Approve a reidentifier token (compliance): it takes effect from now on, and every
    mapping read it makes is audited with this approval's actor as well."""
    with instance.transaction(actor) as tx:
        return TokenOut.model_validate(approve(tx, token_id))
