"""`airlock tenant ...` and `airlock token ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from airlock.admin import TokenTenantError, approve, create_token, new_tenant, revoke
from airlock.api.schemas import TenantOut, TokenIssued, TokenOut
from airlock.auth import authenticate
from airlock.cli.context import local_actor, open_instance
from airlock.cli.errors import AirlockGroup
from airlock.cli.output import JsonOption, console, emit
from catalog import Role, find_token, get_tenant, list_tenants, list_tokens

tenant_app = typer.Typer(cls=AirlockGroup, help="Create and list tenants.", no_args_is_help=True)
token_app = typer.Typer(cls=AirlockGroup, help="Issue, list and revoke API tokens.",
                        no_args_is_help=True)

TENANT_COLUMNS = ("id", "name", "created_at")
TOKEN_COLUMNS = ("id", "name", "role", "tenant_id", "created_at", "expires_at", "revoked_at",
                 "approved_by")


@tenant_app.command("create")
def tenant_create(name: Annotated[str, typer.Argument(help="Lowercase letters, digits, dashes.")],
                  as_json: JsonOption = False) -> None:
    """Create a tenant."""
    with open_instance() as instance, instance.transaction(local_actor()) as tx:
        tenant = TenantOut.model_validate(new_tenant(tx, name))
    emit(tenant, as_json, TENANT_COLUMNS)


@tenant_app.command("list")
def tenant_list(as_json: JsonOption = False) -> None:
    """List every tenant."""
    with open_instance() as instance, instance.reading() as session:
        tenants = [TenantOut.model_validate(t) for t in list_tenants(session)]
    emit(tenants, as_json, TENANT_COLUMNS)


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="What the token may do.")],
    tenant: Annotated[str | None, typer.Option(
        help="Tenant id or name (clients, reidentifiers; confines an operator).")] = None,
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "token",
    expires_in_days: Annotated[int | None, typer.Option(min=1, max=3650)] = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a token. The secret is printed once; only its hash is stored. A reidentifier
    token is refused until a compliance officer approves it (`airlock token approve`)."""
    with open_instance() as instance:
        try:
            with instance.transaction(local_actor()) as tx:
                issued = create_token(tx, name=name, role=role, tenant=tenant,
                                      expires_in_days=expires_in_days)
        except TokenTenantError as exc:
            raise ValueError(exc.describe("--tenant")) from None
        with instance.reading() as session:
            token = TokenOut.model_validate(find_token(session, issued.token_id))
    if as_json:
        emit(TokenIssued(**token.model_dump(), token=issued.plaintext), True, ())
        return
    emit(token, False, TOKEN_COLUMNS)
    console.print(f"token (shown once, store it now): {issued.plaintext}")
    if role is Role.REIDENTIFIER:
        console.print("pending: it is refused until a compliance officer approves it "
                      f"(airlock token approve {issued.token_id}, or "
                      f"POST /v1/tokens/{issued.token_id}/approve)")


@token_app.command("list")
def token_list(tenant: Annotated[str | None, typer.Option()] = None,
               as_json: JsonOption = False) -> None:
    """List tokens (never their secrets)."""
    with open_instance() as instance, instance.reading() as session:
        tenant_id = get_tenant(session, tenant).id if tenant else None
        tokens = [TokenOut.model_validate(t) for t in list_tokens(session, tenant_id)]
    emit(tokens, as_json, TOKEN_COLUMNS)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id.")],
                 as_json: JsonOption = False) -> None:
    """Revoke a token: it is refused from then on."""
    with open_instance() as instance, instance.transaction(local_actor()) as tx:
        token = TokenOut.model_validate(revoke(tx, token_id))
    emit(token, as_json, TOKEN_COLUMNS)


@token_app.command("approve")
def token_approve(
    token_id: Annotated[str, typer.Argument(help="The reidentifier token's id.")],
    officer_token: Annotated[str, typer.Option(
        "--officer-token", envvar="AIRLOCK_TOKEN", prompt="your compliance token",
        hide_input=True, show_default=False,
        help="The approving officer's own compliance token (best from AIRLOCK_TOKEN).")],
    as_json: JsonOption = False,
) -> None:
    """Approve a reidentifier token as a compliance officer. The officer's own token says who
    approves: the local administrator cannot, so re-identification needs two people."""
    with open_instance() as instance:
        with instance.reading() as session:
            officer = authenticate(session, officer_token)
        with instance.transaction(officer) as tx:
            token = TokenOut.model_validate(approve(tx, token_id))
    emit(token, as_json, TOKEN_COLUMNS)
