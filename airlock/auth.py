"""Bearer tokens: how they are made, stored (as SHA-256 only) and checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from audit import Actor
from catalog import ApiToken, Role, find_token, utcnow

TOKEN_PREFIX = "alk"  # noqa: S105 (a public prefix, not a secret)
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}_([a-z2-7]{{16}})_([A-Za-z0-9_-]{{43}})$")
# Compared against when the token id is unknown, so both paths cost the same.
_DUMMY_HASH = hashlib.sha256(b"airlock-no-such-token").hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token_id: str
    secret_sha256: str
    plaintext: str


def issue_token() -> IssuedToken:
    """A new token; the plaintext is shown once and never stored.

    Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    """
    token_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16))
    secret = secrets.token_urlsafe(32)
    return IssuedToken(token_id=token_id, secret_sha256=_digest(secret),
                       plaintext=f"{TOKEN_PREFIX}_{token_id}_{secret}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AuthenticationError(Exception):
    """Missing, malformed, unknown, revoked or expired credentials (HTTP 401)."""


def authenticate(session: Session, presented: str, now: datetime | None = None) -> Actor:
    match = _TOKEN.fullmatch(presented)
    if match is None:
        raise AuthenticationError("malformed token")
    token_id, secret = match.groups()
    token = find_token(session, token_id)
    expected = token.secret_sha256 if token is not None else _DUMMY_HASH
    if not hmac.compare_digest(_digest(secret), expected) or token is None:
        raise AuthenticationError("unknown token")
    return _usable(token, now)


def token_actor(session: Session, token_id: str, now: datetime | None = None) -> Actor:
    """The actor of a token already authenticated once (a console session's), if the token
    is still in force: revoking it or its expiry ends the sessions made with it."""
    token = find_token(session, token_id)
    if token is None:
        raise AuthenticationError("unknown token")
    return _usable(token, now)


def _usable(token: ApiToken, now: datetime | None) -> Actor:
    if token.revoked_at is not None:
        raise AuthenticationError("revoked token")
    if token.expires_at is not None and token.expires_at <= (now or utcnow()):
        raise AuthenticationError("expired token")
    if token.role is Role.REIDENTIFIER and token.approved_at is None:
        # Two people: the admin who issued it and the compliance officer who approves it.
        raise AuthenticationError("token awaiting approval")
    return actor_of(token)


def actor_of(token: ApiToken) -> Actor:
    return Actor(id=f"token:{token.id}", role=token.role.value, tenant_id=token.tenant_id)


def approver_of(session: Session, actor: Actor) -> str:
    """Who approved the actor's token: the second name on every re-identification."""
    token = find_token(session, actor.id.removeprefix("token:"))
    if token is None or token.approved_by is None:
        raise AuthenticationError("token awaiting approval")
    return token.approved_by


__all__ = ["AuthenticationError", "IssuedToken", "Role", "approver_of", "authenticate",
           "issue_token", "token_actor"]
