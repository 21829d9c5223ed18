"""What each role may do: least privilege, one explicit table."""

from __future__ import annotations

from enum import StrEnum

from catalog import Role


class Permission(StrEnum):
    TENANTS_MANAGE = "tenants:manage"
    TOKENS_MANAGE = "tokens:manage"
    TOKENS_APPROVE = "tokens:approve"
    TENANT_READ_OWN = "tenant:read-own"
    AUDIT_READ = "audit:read"
    IDENTITY_READ = "identity:read"
    CONTRACTS_MANAGE = "contracts:manage"
    CONTRACTS_READ = "contracts:read"
    DATASETS_UPLOAD = "datasets:upload"
    DATASETS_READ = "datasets:read"
    REPORTS_READ = "reports:read"
    PII_ANALYZE = "pii:analyze"
    MAPPING_READ = "mapping:read"
    TRAINING_MANAGE = "training:manage"
    TRAINING_DATA_READ = "training:read-data"
    HOLDS_MANAGE = "holds:manage"
    CERTIFICATES_READ = "certificates:read"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.TENANTS_MANAGE, Permission.TOKENS_MANAGE,
                           Permission.IDENTITY_READ, Permission.CONTRACTS_MANAGE,
                           Permission.CONTRACTS_READ, Permission.DATASETS_READ}),
    # A client's permissions reach its own tenant only (checked per request).
    Role.CLIENT: frozenset({Permission.TENANT_READ_OWN, Permission.IDENTITY_READ,
                            Permission.CONTRACTS_READ, Permission.DATASETS_UPLOAD,
                            Permission.DATASETS_READ, Permission.REPORTS_READ,
                            Permission.PII_ANALYZE, Permission.CERTIFICATES_READ}),
    # Compliance reads and holds; it never changes data (a hold only stops the purge). It
    # approves reidentifier tokens, which the admin issues but cannot approve: two people.
    Role.COMPLIANCE: frozenset({Permission.AUDIT_READ, Permission.IDENTITY_READ,
                                Permission.DATASETS_READ, Permission.REPORTS_READ,
                                Permission.HOLDS_MANAGE, Permission.CERTIFICATES_READ,
                                Permission.TOKENS_APPROVE}),
    # The training pipeline: it reads the anonymised copy, never the raw one. A token issued
    # with a tenant (a client's own pipeline) reaches that tenant's datasets only.
    Role.OPERATOR: frozenset({Permission.IDENTITY_READ, Permission.DATASETS_READ,
                              Permission.PII_ANALYZE, Permission.TRAINING_MANAGE,
                              Permission.TRAINING_DATA_READ}),
    # Re-identification is its own role, confined to one tenant: the client's data
    # controller holds it, nobody else (PIPL art. 73: the additional information is kept
    # apart from the de-identified data). Its token works once compliance approves it.
    Role.REIDENTIFIER: frozenset({Permission.IDENTITY_READ, Permission.MAPPING_READ}),
}


def allows(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
