from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from airlock.admin import create_token, new_tenant, revoke
from airlock.auth import AuthenticationError, authenticate, issue_token
from airlock.instance import Instance
from airlock.permissions import ROLE_PERMISSIONS, Permission, allows
from audit import SYSTEM
from catalog import Role
from catalog.base import utcnow


def test_issued_tokens_are_unique_and_well_formed() -> None:
    tokens = {issue_token().plaintext for _ in range(200)}
    assert len(tokens) == 200
    assert all(t.startswith("alk_") and len(t) == 4 + 16 + 1 + 43 for t in tokens)


def test_only_the_hash_is_stored(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        issued = create_token(tx, name="x", role=Role.OPERATOR, tenant=None)
    secret = issued.plaintext.split("_", 2)[2]  # alk_<id>_<secret>; the secret may hold "_"
    with instance.reading() as session:
        rows = session.execute(text("SELECT * FROM api_tokens")).all()
    assert secret not in repr(rows)
    assert issued.secret_sha256 in repr(rows)


def test_authenticate_maps_token_to_actor(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        tenant = new_tenant(tx, "acme")
        issued = create_token(tx, name="c", role=Role.CLIENT, tenant="acme")
    with instance.reading() as session:
        actor = authenticate(session, issued.plaintext)
    assert (actor.id, actor.role, actor.tenant_id) == (f"token:{issued.token_id}", "client",
                                                       tenant.id)


@pytest.mark.parametrize("presented", [
    "", "Bearer x", "alk_", "alk_aaaaaaaaaaaaaaaa_short", "xyz_" + "a" * 60,
    "alk_AAAAAAAAAAAAAAAA_" + "a" * 43,
])
def test_malformed_tokens_are_refused(instance: Instance, presented: str) -> None:
    with instance.reading() as session, pytest.raises(AuthenticationError, match="malformed"):
        authenticate(session, presented)


def test_unknown_wrong_revoked_and_expired_tokens_are_refused(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        good = create_token(tx, name="g", role=Role.OPERATOR, tenant=None)
        short = create_token(tx, name="s", role=Role.OPERATOR, tenant=None, expires_in_days=1)
    stranger = issue_token().plaintext
    wrong_secret = good.plaintext[:-1] + ("A" if good.plaintext[-1] != "A" else "B")
    with instance.reading() as session:
        for presented, reason in ((stranger, "unknown"), (wrong_secret, "unknown")):
            with pytest.raises(AuthenticationError, match=reason):
                authenticate(session, presented)
        authenticate(session, short.plaintext)
        with pytest.raises(AuthenticationError, match="expired"):
            authenticate(session, short.plaintext, now=utcnow() + timedelta(days=2))
    with instance.transaction(SYSTEM) as tx:
        revoke(tx, good.token_id)
    with instance.reading() as session, pytest.raises(AuthenticationError, match="revoked"):
        authenticate(session, good.plaintext)


def test_instance_wide_roles_take_no_tenant(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
    for role in (Role.ADMIN, Role.COMPLIANCE):
        with pytest.raises(ValueError, match="instance-wide"), \
                instance.transaction(SYSTEM) as tx:
            create_token(tx, name="x", role=role, tenant="acme")


def test_least_privilege() -> None:
    assert not allows("admin", Permission.AUDIT_READ)
    assert not allows("compliance", Permission.TOKENS_MANAGE)
    assert not allows("nobody", Permission.IDENTITY_READ)
    every = set().union(*ROLE_PERMISSIONS.values())
    assert every == set(Permission)
