"""Request dependencies: the instance, the authenticated actor, permission checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from airlock.api.auth_failures import FailedAuthentications, too_many, unauthenticated
from airlock.api.problems import Problem
from airlock.api.schemas import ContractOut, TenantOut
from airlock.auth import AuthenticationError, authenticate
from airlock.console.sessions import COOKIE, SessionEnded, csrf_matches, session_actor
from airlock.instance import Instance
from airlock.permissions import Permission, allows
from airlock.pipeline import Pipeline
from audit import Actor, Outcome
from audit.events import AccessDenied
from catalog import (
    Contract,
    NotFoundError,
    get_dataset,
    get_tenant,
    get_upload,
    resolve_contract,
)

_bearer = HTTPBearer(auto_error=False, description="An Airlock API token (`alk_...`).")


def get_instance(request: Request) -> Instance:
    instance: Instance = request.app.state.instance
    return instance


InstanceDep = Annotated[Instance, Depends(get_instance)]


def get_pipeline(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "/"))


def deny(instance: Instance, request: Request, actor: Actor, status: int, reason: str,
         tenant: str | None = None) -> Problem:
    """Audit the refusal of an authenticated actor (403) in its own transaction and return
    the problem to raise. Failed authentications are counted apart (`auth_failures`)."""
    with instance.transaction(actor) as tx:
        tx.record(AccessDenied(method=request.method, route=_route_template(request),
                               status=status, reason=reason, tenant=tenant), Outcome.DENIED)
    return Problem(403, f"forbidden: {reason.replace('_', ' ')}")


def current_actor(
    request: Request, instance: InstanceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    failures: FailedAuthentications = request.app.state.auth_failures
    refused = too_many(request, failures)
    if refused is not None:
        raise refused
    if credentials is None:
        return _console_actor(request, instance, failures)
    try:
        with instance.reading() as session:
            return authenticate(session, credentials.credentials)
    except AuthenticationError as exc:
        reason = str(exc).replace(" ", "_")
        raise unauthenticated(request, instance, failures, reason) from None


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _console_actor(request: Request, instance: Instance,
                   failures: FailedAuthentications) -> Actor:
    """The console's scripts call the API with the session cookie instead of a token; a
    request that changes anything must also carry the session's CSRF token in
    `X-CSRF-Token` (the cookie is SameSite=Strict as well)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise unauthenticated(request, instance, failures, "missing_token")
    try:
        actor = session_actor(instance, cookie)
    except SessionEnded:
        raise unauthenticated(request, instance, failures, "session_ended") from None
    if (request.method not in _SAFE_METHODS
            and not csrf_matches(cookie, request.headers.get("x-csrf-token"))):
        raise deny(instance, request, actor, 403, "csrf_token_invalid")
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


class Requires:
    """Dependency: the actor must hold `permission`, else 403 (audited)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, request: Request, instance: InstanceDep, actor: ActorDep) -> Actor:
        if not allows(actor.role, self.permission):
            raise deny(instance, request, actor, 403, f"role_lacks_{self.permission.value}")
        return actor


TENANT_BOUND = frozenset({"client", "reidentifier"})
"""Roles whose tokens always name a tenant. An operator token may name one too."""


def tenant_scope(actor: Actor) -> str | None:
    """The tenant the actor is confined to: its token's, if the token names one (a client's
    and a reidentifier's always do, an operator's may); None for instance-wide actors."""
    return actor.tenant_id


def conceal(instance: Instance, request: Request, actor: Actor, kind: str,
            ident: str) -> NotFoundError:
    """Audit a reach into another tenant and return the error an unknown id gets (404), so
    ids cannot be probed; only the audit trail, which a tenant never reads, tells them apart."""
    deny(instance, request, actor, 404, "other_tenant", tenant=actor.tenant_id)
    return NotFoundError(kind, ident)


def _ensure_tenant(instance: Instance, request: Request, actor: Actor, tenant_id: str,
                   kind: str, ident: str) -> None:
    """A tenant-bound actor reaches its own tenant's objects only (404 for another's)."""
    scope = tenant_scope(actor)
    if (scope is not None or actor.role in TENANT_BOUND) and scope != tenant_id:
        raise conceal(instance, request, actor, kind, ident)


class DatasetAccess:
    """Dependency for routes with a `{dataset_id}`: the actor holds `permission` (else 403,
    whether the dataset exists or not) and the dataset is in its reach (else 404, the same
    answer as for an unknown id)."""

    def __init__(self, permission: Permission) -> None:
        self.requires = Requires(permission)

    def __call__(self, dataset_id: str, request: Request, instance: InstanceDep,
                 actor: ActorDep) -> Actor:
        self.requires(request, instance, actor)
        with instance.reading() as session:
            tenant_id = get_dataset(session, dataset_id).tenant_id
        _ensure_tenant(instance, request, actor, tenant_id, "dataset", dataset_id)
        return actor


class UploadAccess:
    """Dependency for routes with an `{upload_id}`: as `DatasetAccess`, for the upload's
    tenant."""

    def __init__(self, permission: Permission) -> None:
        self.requires = Requires(permission)

    def __call__(self, upload_id: str, request: Request, instance: InstanceDep,
                 actor: ActorDep) -> Actor:
        self.requires(request, instance, actor)
        with instance.reading() as session:
            tenant_id = get_upload(session, upload_id).tenant_id
        _ensure_tenant(instance, request, actor, tenant_id, "upload", upload_id)
        return actor


class ContractAccess:
    """Dependency for routes with a `{ref}`: the actor holds `permission` (else 403) and the
    contract, by id or (within the actor's tenant) `name[@version]`, is in its reach (else
    404, as an unknown one)."""

    def __init__(self, permission: Permission) -> None:
        self.requires = Requires(permission)

    def __call__(self, ref: str, request: Request, instance: InstanceDep,
                 actor: ActorDep) -> ContractOut:
        self.requires(request, instance, actor)
        with instance.reading() as session:
            by_id = session.get(Contract, ref)
            found = by_id if by_id is not None else resolve_contract(session, ref,
                                                                     tenant_scope(actor))
            contract = ContractOut.model_validate(found)
        _ensure_tenant(instance, request, actor, contract.tenant_id, "contract", ref)
        return contract


def tenant_in_reach(tenant: str, request: Request, instance: InstanceDep,
                    actor: ActorDep) -> TenantOut:
    """Dependency for routes with a `{tenant}` (id or name): an admin reaches any tenant, a
    client its own only (403 for a role that reads none, 404 for another's, as an unknown
    one)."""
    if allows(actor.role, Permission.TENANTS_MANAGE):
        with instance.reading() as session:
            return TenantOut.model_validate(get_tenant(session, tenant))
    if not (allows(actor.role, Permission.TENANT_READ_OWN) and actor.tenant_id):
        raise deny(instance, request, actor, 403, "role_lacks_tenant_read")
    with instance.reading() as session:
        own = TenantOut.model_validate(get_tenant(session, actor.tenant_id))
    if tenant not in (own.id, own.name):
        raise conceal(instance, request, actor, "tenant", tenant)
    return own
