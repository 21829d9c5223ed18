"""Contract versions: adding a changed contract makes a new version, never an edit."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import AmbiguousReferenceError, NotFoundError
from catalog.models import Contract, Tenant

_REF = re.compile(r"^(?P<name>[a-z0-9][a-z0-9._-]{0,127})(?:@(?P<version>[1-9][0-9]{0,8}))?$")


def add_contract_version(session: Session, tenant_id: str, name: str, body: dict[str, Any],
                         body_sha256: str) -> tuple[Contract, bool]:
    """Store `body` as the next version of the tenant's contract `name`.

    Returns (contract, created); an unchanged body returns the latest version, not a copy.
    """
    latest = latest_version(session, tenant_id, name)
    if latest is not None and latest.body_sha256 == body_sha256:
        return latest, False
    contract = Contract(tenant_id=tenant_id, name=name, body=body, body_sha256=body_sha256,
                        version=(latest.version + 1) if latest else 1)
    session.add(contract)
    session.flush()
    return contract, True


def latest_version(session: Session, tenant_id: str, name: str) -> Contract | None:
    return session.execute(
        select(Contract).where(Contract.tenant_id == tenant_id, Contract.name == name)
        .order_by(Contract.version.desc()).limit(1)
    ).scalar_one_or_none()


def resolve_contract(session: Session, ref: str, tenant_id: str | None) -> Contract:
    """By id; or, within a tenant, by `name` (latest version) or `name@version`. Without a
    tenant, a name resolves when exactly one tenant has a contract of that name."""
    contract = session.get(Contract, ref)
    if contract is not None and (tenant_id is None or contract.tenant_id == tenant_id):
        return contract
    match = _REF.fullmatch(ref)
    if match is not None and tenant_id is None:
        tenant_id = _only_owner(session, ref, match["name"])
    if match is not None and tenant_id is not None:
        stmt = select(Contract).where(Contract.tenant_id == tenant_id,
                                      Contract.name == match["name"])
        if match["version"]:
            stmt = stmt.where(Contract.version == int(match["version"]))
        stmt = stmt.order_by(Contract.version.desc()).limit(1)
        found = session.execute(stmt).scalar_one_or_none()
        if found is not None:
            return found
    raise NotFoundError("contract", ref)


def _only_owner(session: Session, ref: str, name: str) -> str | None:
    """The tenant of the contracts named `name` when one tenant has such contracts."""
    owners = session.execute(
        select(Tenant.id, Tenant.name).join(Contract, Contract.tenant_id == Tenant.id)
        .where(Contract.name == name).distinct().order_by(Tenant.name)).all()
    if len(owners) > 1:
        raise AmbiguousReferenceError(
            f"contract '{ref}' exists in {len(owners)} tenants "
            f"({', '.join(o.name for o in owners[:5])}{', ...' if len(owners) > 5 else ''}); "
            "name the tenant too")
    return owners[0].id if owners else None


def list_contracts(session: Session, tenant_id: str | None = None) -> list[Contract]:
    stmt = select(Contract).order_by(Contract.tenant_id, Contract.name, Contract.version)
    if tenant_id is not None:
        stmt = stmt.where(Contract.tenant_id == tenant_id)
    return list(session.execute(stmt).scalars())
