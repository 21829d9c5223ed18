"""Administration services: tenants and tokens, each change audited in its transaction."""

from __future__ import annotations

from datetime import timedelta

from airlock.auth import IssuedToken, issue_token
from airlock.permissions import Permission, allows
from audit import Transaction
from audit.events import TenantCreated, TokenApproved, TokenCreated, TokenRevoked
from catalog import (
    ApiToken,
    Role,
    Tenant,
    add_token,
    approve_token,
    create_tenant,
    get_tenant,
    revoke_token,
    utcnow,
)

TENANT_REQUIRED = frozenset({Role.CLIENT, Role.REIDENTIFIER})
INSTANCE_WIDE = frozenset({Role.ADMIN, Role.COMPLIANCE})


class TokenTenantError(ValueError):
    """A token's tenant breaks its role's rule. `describe` names the tenant the way the
    caller's interface does (the API's field `tenant`, the command line's `--tenant`)."""

    def __init__(self, role: Role, needed: bool) -> None:
        self.role = role
        self.needed = needed
        super().__init__(self.describe("a tenant"))

    def describe(self, tenant: str) -> str:
        if self.needed:
            return f"a {self.role.value} token needs {tenant}"
        return f"a {self.role.value} token is instance-wide; leave out {tenant}"


def new_tenant(tx: Transaction, name: str) -> Tenant:
    tenant = create_tenant(tx.session, name)
    tx.record(TenantCreated(tenant=tenant.id))
    return tenant


def create_token(tx: Transaction, *, name: str, role: Role, tenant: str | None,
                 expires_in_days: int | None = None) -> IssuedToken:
    """Issue a token; `tenant` (id or name) is required for clients and reidentifiers, optional
    for operators (one with a tenant is confined to it). A reidentifier token is refused until
    a compliance officer approves it (`approve`)."""
    if role in TENANT_REQUIRED and tenant is None:
        raise TokenTenantError(role, needed=True)
    if role in INSTANCE_WIDE and tenant is not None:
        raise TokenTenantError(role, needed=False)
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


def approve(tx: Transaction, token_id: str) -> ApiToken:
    """The transaction's actor, a compliance officer, puts a reidentifier token into effect."""
    if not allows(tx.actor.role, Permission.TOKENS_APPROVE):
        raise PermissionError(f"a {tx.actor.role} cannot approve tokens; a compliance "
                              "officer does")
    token = approve_token(tx.session, token_id, tx.actor.id)
    tx.record(TokenApproved(token_id=token.id, tenant=token.tenant_id, approved_by=tx.actor.id))
    return token
