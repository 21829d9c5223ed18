"""Administration services: tenants and tokens, each change audited in its transaction."""

from __future__ import annotations

from datetime import timedelta

from airlock.auth import IssuedToken, issue_token
from audit import Transaction
from audit.events import TenantCreated, TokenCreated, TokenRevoked
from catalog import ApiToken, Role, Tenant, add_token, create_tenant, get_tenant, revoke_token
from catalog.base import utcnow


def new_tenant(tx: Transaction, name: str) -> Tenant:
    tenant = create_tenant(tx.session, name)
    tx.record(TenantCreated(tenant=tenant.id))
    return tenant


def create_token(tx: Transaction, *, name: str, role: Role, tenant: str | None,
                 expires_in_days: int | None = None) -> IssuedToken:
    """Issue a token; `tenant` (id or name) is required for clients, optional for operators."""
    if role in (Role.CLIENT, Role.REIDENTIFIER) and tenant is None:
        raise ValueError(f"a {role.value} token needs --tenant")
    if role in (Role.ADMIN, Role.COMPLIANCE) and tenant is not None:
        raise ValueError(f"a {role.value} token is instance-wide; leave out the tenant")
    tenant_id = get_tenant(tx.session, tenant).id if tenant is not None else None
    issued = issue_token()
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    add_token(tx.session, token_id=issued.token_id, name=name, role=role, tenant_id=tenant_id,
              secret_sha256=issued.secret_sha256, expires_at=expires_at)
    tx.record(TokenCreated(token_id=issued.token_id, tenant=tenant_id, token_role=role.value))
    return issued


def revoke(tx: Transaction, token_id: str) -> ApiToken:
    token = revoke_token(tx.session, token_id)
    tx.record(TokenRevoked(token_id=token.id, tenant=token.tenant_id))
    return token
