"""API token records; the secrets themselves are made and checked in `airlock.auth`."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.base import utcnow
from catalog.errors import ConflictError, NotFoundError
from catalog.models import ApiToken, Role

TOKEN_NAME = re.compile(r"^[A-Za-z0-9 ._-]{1,64}$")


def add_token(session: Session, *, token_id: str, name: str, role: Role,
              tenant_id: str | None, secret_sha256: str,
              expires_at: datetime | None) -> ApiToken:
    if not TOKEN_NAME.fullmatch(name):
        raise ValueError("token name must be 1-64 letters, digits, spaces, dots, dashes or "
                         "underscores")
    if role is Role.CLIENT and tenant_id is None:
        raise ValueError("a client token needs a tenant")
    token = ApiToken(id=token_id, name=name, role=role, tenant_id=tenant_id,
                     secret_sha256=secret_sha256, expires_at=expires_at)
    session.add(token)
    session.flush()
    return token


def find_token(session: Session, token_id: str) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def list_tokens(session: Session, tenant_id: str | None = None) -> list[ApiToken]:
    stmt = select(ApiToken).order_by(ApiToken.created_at)
    if tenant_id is not None:
        stmt = stmt.where(ApiToken.tenant_id == tenant_id)
    return list(session.execute(stmt).scalars())


def approve_token(session: Session, token_id: str, approver: str) -> ApiToken:
    """Put a reidentifier token into effect; `approver` is the approving actor's id."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError("token", token_id)
    if token.role is not Role.REIDENTIFIER:
        raise ConflictError(f"token '{token_id}' is a {token.role.value} token; only "
                            "reidentifier tokens need approval")
    if token.revoked_at is not None:
        raise ConflictError(f"token '{token_id}' is revoked")
    if token.approved_at is not None:
        raise ConflictError(f"token '{token_id}' is already approved")
    token.approved_by = approver
    token.approved_at = utcnow()
    session.flush()
    return token


def revoke_token(session: Session, token_id: str) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError("token", token_id)
    if token.revoked_at is not None:
        raise ConflictError(f"token '{token_id}' is already revoked")
    token.revoked_at = utcnow()
    session.flush()
    return token
