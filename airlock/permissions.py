"""What each role may do: least privilege, one explicit table."""

from __future__ import annotations

from enum import StrEnum

from catalog import Role


class Permission(StrEnum):
    TENANTS_MANAGE = "tenants:manage"
    TOKENS_MANAGE = "tokens:manage"
    TENANT_READ_OWN = "tenant:read-own"
    AUDIT_READ = "audit:read"
    IDENTITY_READ = "identity:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.TENANTS_MANAGE, Permission.TOKENS_MANAGE,
                           Permission.IDENTITY_READ}),
    Role.CLIENT: frozenset({Permission.TENANT_READ_OWN, Permission.IDENTITY_READ}),
    Role.COMPLIANCE: frozenset({Permission.AUDIT_READ, Permission.IDENTITY_READ}),
    Role.OPERATOR: frozenset({Permission.IDENTITY_READ}),
}


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
