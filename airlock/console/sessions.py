"""Console sessions: an API token exchanged for a cookie, and the cookie back to an actor.

The cookie holds 256 random bits; the catalog keeps their SHA-256 only. The CSRF token of
a session is derived from the same secret (an HMAC), so it is never stored either and
changes with every sign-in. A session ends when its person signs out, when it has been
idle longer than `AIRLOCK_CONSOLE_IDLE_MINUTES`, when it is older than
`AIRLOCK_CONSOLE_SESSION_HOURS`, or when its token is revoked or expires.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from airlock.auth import AuthenticationError, actor_of, authenticate, token_actor
from airlock.instance import Instance
from audit import Actor
from audit.events import ConsoleSignedIn, ConsoleSignedOut
from catalog import (
    ConsoleSession,
    add_console_session,
    find_token,
    live_console_session,
    utcnow,
)

COOKIE = "airlock_session"
SIGN_IN_COOKIE = "airlock_sign_in"
"""A random value set with the sign-in form: its HMAC is the form's CSRF token."""
_SECRET_BYTES = 32
_TOUCH_AFTER = timedelta(seconds=60)  # one write a minute per busy session, not per request


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    cookie: str


def new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


def session_id(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def csrf_token(cookie: str) -> str:
    """The CSRF token of the session (or sign-in form) whose cookie is `cookie`."""
    return hmac.new(cookie.encode(), b"airlock-console-csrf", hashlib.sha256).hexdigest()


def csrf_matches(cookie: str | None, presented: str | None) -> bool:
    if not cookie or not presented:
        return False
    return hmac.compare_digest(csrf_token(cookie), presented)


def sign_in(instance: Instance, presented_token: str) -> SignedIn:
    """A new session for the token (AuthenticationError if it is not in force), audited."""
    with instance.reading() as session:
        actor = authenticate(session, presented_token)
    cookie = new_secret()
    ident = session_id(cookie)
    with instance.transaction(actor) as tx:
        add_console_session(tx.session, ident, actor.id.removeprefix("token:"))
        tx.record(ConsoleSignedIn(session=ident[:16], tenant=actor.tenant_id))
    return SignedIn(actor=actor, cookie=cookie)


class SessionEnded(Exception):
    """The cookie names no session in force (never signed in, signed out, expired, or its
    token no longer valid)."""


def session_actor(instance: Instance, cookie: str) -> Actor:
    """The actor behind a session cookie; SessionEnded if the session is not in force (an
    expired one is closed and audited on the way)."""
    settings = instance.settings
    idle = timedelta(minutes=settings.console_idle_minutes)
    lifetime = timedelta(hours=settings.console_session_hours)
    ident = session_id(cookie)
    now = utcnow()
    with instance.reading() as session:
        row = session.get(ConsoleSession, ident)
        if row is None or row.ended_at is not None:
            raise SessionEnded
        live = live_console_session(session, ident, idle, lifetime, now) is not None
        token = find_token(session, row.token_id)
        if token is None:
            raise SessionEnded
        actor = actor_of(token)
        try:
            token_actor(session, row.token_id, now)
        except AuthenticationError:
            live = False
        stale = now - row.last_seen_at > _TOUCH_AFTER
    if not live:
        _end(instance, actor, ident, "expired")
        raise SessionEnded
    if stale:
        with instance.transaction(actor) as tx:
            found = tx.session.get(ConsoleSession, ident)
            if found is not None:
                found.last_seen_at = now
    return actor


def sign_out(instance: Instance, cookie: str) -> None:
    """End the session of `cookie`, audited; nothing if it is not in force."""
    try:
        actor = session_actor(instance, cookie)
    except SessionEnded:
        return
    _end(instance, actor, session_id(cookie), "sign_out")


def _end(instance: Instance, actor: Actor, ident: str, reason: str) -> None:
    with instance.transaction(actor) as tx:
        row = tx.session.get(ConsoleSession, ident)
        if row is None or row.ended_at is not None:
            return
        row.ended_at = utcnow()
        tx.record(ConsoleSignedOut(session=ident[:16], tenant=actor.tenant_id, reason=reason))
