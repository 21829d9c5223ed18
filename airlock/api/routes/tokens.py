"""API tokens (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from airlock.admin import create_token, revoke
from airlock.api.deps import InstanceDep, Requires
from airlock.api.schemas import TokenCreate, TokenIssued, TokenOut
from airlock.permissions import Permission
from audit import Actor
from catalog import find_token, get_tenant, list_tokens

router = APIRouter(prefix="/v1/tokens", tags=["tokens"])
Admin = Annotated[Actor, Depends(Requires(Permission.TOKENS_MANAGE))]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: TokenCreate, instance: InstanceDep, actor: Admin) -> TokenIssued:
    """Issue a token. The secret is in the response once and never again."""
    with instance.transaction(actor) as tx:
        issued = create_token(tx, name=body.name, role=body.role, tenant=body.tenant,
                              expires_in_days=body.expires_in_days)
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
