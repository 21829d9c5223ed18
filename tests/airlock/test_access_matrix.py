"""Every endpoint x every role x own/other tenant; every refusal is audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from airlock.instance import Instance
from airlock.pipeline import Pipeline
from audit import SYSTEM
from catalog import AuditEventRecord, Contract, utcnow
from intake import create_upload
from tests.airlock.conftest import World
from tests.airlock.restored_world import (  # noqa: F401 (fixtures)
    restored_initialised,
    restored_world_itself,
)

ROLES = ("anonymous", "admin", "client", "compliance", "operator", "tenant_operator",
         "reidentifier")
"""`tenant_operator` is an operator token issued with the own tenant: a client's pipeline."""
OPERATORS = ("operator", "tenant_operator")
TENANT_BOUND = ("client", "tenant_operator", "reidentifier")
CONTRACT = "name: matrix\npurpose: access tests\nlayout: {kind: class_folders}\n"
WORLD_PURPOSE = "training an animal classifier"
"""The purpose of the world's contracts (tests.intake.datasets.contract_yaml)."""


def _allowed(*roles: str) -> dict[str, int]:
    return {r: (200 if r in roles else 401 if r == "anonymous" else 403) for r in ROLES}


def _created_by(role: str) -> dict[str, int]:
    return {**_allowed(role), role: 201}


def _hidden(expected: dict[str, int], *roles: str) -> dict[str, int]:
    """Another tenant's object answers these tenant-bound roles as an unknown id would."""
    return {**expected, **dict.fromkeys(roles, 404)}


# (method, path template, json body, expected status per role)
MATRIX: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/v1/health", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/v1/ready", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/v1/whoami", None, {**dict.fromkeys(ROLES, 200), "anonymous": 401}),
    # Off without AIRLOCK_METRICS_TOKEN; with it, only that token scrapes (test_metrics).
    ("GET", "/metrics", None, dict.fromkeys(ROLES, 404)),
    ("GET", "/v1/tenants", None, _allowed("admin")),
    ("POST", "/v1/tenants", {"name": "new-one"}, _created_by("admin")),
    ("GET", "/v1/tenants/{own}", None, _allowed("admin", "client")),
    ("GET", "/v1/tenants/{other}", None, _hidden(_allowed("admin"), "client")),
    ("GET", "/v1/tokens", None, _allowed("admin")),
    ("POST", "/v1/tokens", {"name": "x", "role": "operator"}, _created_by("admin")),
    ("DELETE", "/v1/tokens/{victim}", None, _allowed("admin")),
    # The admin issues a reidentifier token; only compliance can put it into effect.
    ("POST", "/v1/tokens/{victim}/approve", None, _allowed("compliance")),
    ("POST", "/v1/contracts", {"tenant": "own", "yaml": CONTRACT}, _created_by("admin")),
    ("GET", "/v1/contracts", None, _allowed("admin", "client")),
    ("GET", "/v1/contracts/{own_contract}", None, _allowed("admin", "client")),
    ("GET", "/v1/contracts/{other_contract}", None, _hidden(_allowed("admin"), "client")),
    ("POST", "/v1/datasets?contract={own_contract}", None,
     {**_allowed("client"), "client": 202}),
    # An empty manifest: judged (a report saying the dataset is empty), nothing kept.
    ("POST", "/v1/preflight?contract={own_contract}", None, _allowed("client")),
    ("POST", "/v1/preflight?contract={other_contract}", None, _hidden(_allowed(), "client")),
    ("GET", "/v1/datasets", None, _allowed("admin", "client", "compliance", *OPERATORS)),
    ("GET", "/v1/datasets/{own_dataset}", None,
     _allowed("admin", "client", "compliance", *OPERATORS)),
    ("GET", "/v1/datasets/{other_dataset}", None,
     _hidden(_allowed("admin", "compliance", "operator"), "client", "tenant_operator")),
    ("GET", "/v1/datasets/{own_dataset}/report", None, _allowed("client", "compliance")),
    ("GET", "/v1/datasets/{other_dataset}/report", None,
     _hidden(_allowed("compliance"), "client")),
    ("GET", "/v1/datasets/{own_dataset}/anonymisation-report", None,
     _allowed("client", "compliance")),
    ("GET", "/v1/datasets/{other_dataset}/anonymisation-report", None,
     _hidden(_allowed("compliance"), "client")),
    ("GET", "/v1/datasets/{own_dataset}/preview", None, _allowed("client", "compliance")),
    ("GET", "/v1/datasets/{other_dataset}/preview", None,
     _hidden(_allowed("compliance"), "client")),
    ("GET", "/v1/datasets/{own_dataset}/mapping", None, _allowed("reidentifier")),
    ("GET", "/v1/datasets/{other_dataset}/mapping", None, _hidden(_allowed(), "reidentifier")),
    # Training reaches every tenant's datasets for an instance-wide operator, its own
    # tenant's only for a tenant-bound one. The world's datasets are ready: the operator's
    # start comes first, so the tenant operator's finds training started (409); completing
    # a training that never started is a 409, and so is releasing a hold never placed.
    ("POST", "/v1/datasets/{own_dataset}/training/start", {"purpose": WORLD_PURPOSE},
     {**_allowed(*OPERATORS), "tenant_operator": 409}),
    ("POST", "/v1/datasets/{other_dataset}/training/start", {"purpose": WORLD_PURPOSE},
     _hidden(_allowed("operator"), "tenant_operator")),
    ("POST", "/v1/datasets/{own_dataset}/training/complete", None,
     {**_allowed(*OPERATORS), "operator": 409, "tenant_operator": 409}),
    ("POST", "/v1/datasets/{other_dataset}/training/complete", None,
     _hidden({**_allowed("operator"), "operator": 409}, "tenant_operator")),
    ("POST", "/v1/datasets/{own_dataset}/anonymised", {"purpose": WORLD_PURPOSE},
     _allowed(*OPERATORS)),
    ("POST", "/v1/datasets/{other_dataset}/anonymised", {"purpose": WORLD_PURPOSE},
     _hidden(_allowed("operator"), "tenant_operator")),
    ("POST", "/v1/datasets/{own_dataset}/anonymised/shards", {"purpose": WORLD_PURPOSE},
     _allowed(*OPERATORS)),
    ("POST", "/v1/datasets/{other_dataset}/anonymised/shards", {"purpose": WORLD_PURPOSE},
     _hidden(_allowed("operator"), "tenant_operator")),
    ("POST", "/v1/datasets/{own_dataset}/anonymised/shards/0", {"purpose": WORLD_PURPOSE},
     _allowed(*OPERATORS)),
    ("POST", "/v1/datasets/{other_dataset}/anonymised/shards/0", {"purpose": WORLD_PURPOSE},
     _hidden(_allowed("operator"), "tenant_operator")),
    ("POST", "/v1/datasets/{own_dataset}/holds", {"reason": "litigation"},
     _created_by("compliance")),
    ("POST", "/v1/datasets/{other_dataset}/holds", {"reason": "litigation"},
     _created_by("compliance")),
    ("POST", "/v1/datasets/{own_dataset}/holds/release", {"reason": "case closed"},
     {**_allowed("compliance"), "compliance": 409}),
    ("POST", "/v1/datasets/{other_dataset}/holds/release", {"reason": "case closed"},
     {**_allowed("compliance"), "compliance": 409}),
    ("GET", "/v1/datasets/{own_dataset}/holds", None, _allowed("compliance")),
    ("GET", "/v1/datasets/{other_dataset}/holds", None, _allowed("compliance")),
    # Not purged yet: the allowed roles find no certificate.
    ("GET", "/v1/datasets/{own_dataset}/certificate", None,
     {**_allowed("client", "compliance"), "client": 404, "compliance": 404}),
    ("GET", "/v1/datasets/{other_dataset}/certificate", None,
     _hidden({**_allowed("compliance"), "compliance": 404}, "client")),
    # The world's datasets were validated with the instance's signer: each has a receipt.
    ("GET", "/v1/datasets/{own_dataset}/receipt", None, _allowed("client", "compliance")),
    ("GET", "/v1/datasets/{other_dataset}/receipt", None,
     _hidden(_allowed("compliance"), "client")),
    # Anyone may verify (no token); an empty document is no certificate or receipt.
    ("POST", "/v1/certificates/verify", {"document": {}}, dict.fromkeys(ROLES, 422)),
    # The key that signed them is public: the world's receipts made it.
    ("GET", "/v1/public-key", None, dict.fromkeys(ROLES, 200)),
    ("POST", "/v1/pii/analyze", {"texts": ["张三"]}, _allowed("client", *OPERATORS)),
    ("POST", "/v1/pii/anonymize", {"texts": ["张三"]}, _allowed("client", *OPERATORS)),
    ("GET", "/v1/retention/calendar", None, _allowed("compliance")),
    ("GET", "/v1/audit/events", None, _allowed("compliance")),
    ("GET", "/v1/audit/verify", None, _allowed("compliance")),
    ("GET", "/v1/audit/checkpoints", None, _allowed("compliance")),
    ("GET", "/v1/audit/events?format=csv", None, _allowed("compliance")),
    ("GET", "/v1/audit/events.csv", None, _allowed("compliance")),
    ("GET", "/v1/audit/bundle", None, _allowed("compliance")),
    # Multipart uploads: a client's own tenant's only. The contract is named within the
    # client's tenant; a part sent as JSON has no Content-Digest (400); completing with no
    # part is a 409.
    ("POST", "/v1/uploads", {"contract": "class-folders", "size": 10, "sha256": "a" * 64},
     _created_by("client")),
    ("GET", "/v1/uploads", None, _allowed("client")),
    ("GET", "/v1/uploads/{own_upload}", None, _allowed("client")),
    ("GET", "/v1/uploads/{other_upload}", None, _hidden(_allowed(), "client")),
    ("PUT", "/v1/uploads/{own_upload}/parts/1", None, {**_allowed("client"), "client": 400}),
    ("PUT", "/v1/uploads/{other_upload}/parts/1", None, _hidden(_allowed(), "client")),
    ("POST", "/v1/uploads/{own_upload}/complete", None, {**_allowed("client"), "client": 409}),
    ("POST", "/v1/uploads/{other_upload}/complete", None, _hidden(_allowed(), "client")),
    ("DELETE", "/v1/uploads/{own_upload}", None, {**_allowed("client"), "client": 204}),
    ("DELETE", "/v1/uploads/{other_upload}", None, _hidden(_allowed(), "client")),
]


def _uploads(instance: Instance, world: World) -> dict[str, str]:
    """An open multipart upload of each tenant."""
    rules = Pipeline(instance).multipart_rules()
    found = {}
    for name in ("own", "other"):
        with instance.reading() as session:
            contract = session.get(Contract, world.objects[f"{name}_contract"])
        assert contract is not None
        found[f"{name}_upload"] = create_upload(
            instance.transactions(SYSTEM), instance.vault, contract, 10, "a" * 64, None, rules,
            utcnow()).id
    return found


def _denials(instance: Instance) -> int:
    with instance.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEventRecord)
                               .where(AuditEventRecord.action == "access.denied")).scalar_one()


@pytest.mark.parametrize(("method", "template", "body", "expected"), MATRIX,
                         ids=[f"{m} {t}" for m, t, _, _ in MATRIX])
def test_access_matrix(client: TestClient, world: World, instance: Instance, method: str,
                       template: str, body: dict[str, Any] | None,
                       expected: dict[str, int]) -> None:
    objects = {**world.objects, **(_uploads(instance, world) if "upload" in template else {})}
    for role in ROLES:
        victim = client.post("/v1/tokens", headers=world.auth("admin"), json={
            "name": "victim", "role": "reidentifier", "tenant": "own"}).json()["id"]
        path = template.format(own=world.own_tenant, other=world.other_tenant, victim=victim,
                               **objects)
        before = _denials(instance)
        if path.startswith("/v1/datasets?"):
            response = client.request(method, path, headers=world.auth(role),
                                      content=world.upload)
        else:
            response = client.request(method, path, headers=world.auth(role), json=body)
        assert response.status_code == expected[role], (role, response.text)
        if response.status_code in (401, 403):
            assert response.headers["content-type"] == "application/problem+json"
            # 401s are counted per source and audited once per window (test_auth_failures).
            audited = 1 if response.status_code == 403 else 0
            assert _denials(instance) == before + audited, f"{role}: refusal not audited"
        if "{other" in template and role in TENANT_BOUND and response.status_code == 404:
            assert _denials(instance) == before + 1, f"{role}: hidden refusal not audited"
        if method == "POST" and response.status_code == 201 and "tenants" in path:
            client.request(method, path, headers=world.auth(role), json={"name": "newer"})


def test_every_route_is_in_the_matrix(client: TestClient) -> None:
    renamed = {"{tenant}": "{own}", "{token_id}": "{victim}", "{ref}": "{own_contract}",
               "{dataset_id}": "{own_dataset}", "{upload_id}": "{own_upload}",
               "{number}": "1", "{index}": "0"}
    served = set()
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for old, new in renamed.items():
            path = path.replace(old, new)
        served |= {(method.upper(), path) for method in operations}
    documented = {(m, t.split("?")[0]) for m, t, _, _ in MATRIX}
    assert len(served) >= 17
    assert served <= documented, served - documented


OTHER_TENANT_ROWS = [(m, t, b) for m, t, b, _ in MATRIX if "{other" in t]


@pytest.mark.parametrize(("method", "template", "body"), OTHER_TENANT_ROWS,
                         ids=[f"{m} {t}" for m, t, _ in OTHER_TENANT_ROWS])
def test_another_tenants_id_answers_as_an_unknown_one(
        client: TestClient, world: World, instance: Instance, method: str, template: str,
        body: dict[str, Any] | None) -> None:
    """A tenant-bound token cannot tell another tenant's id from one that does not exist:
    same status, same body (but for the id itself), on every route with a path id."""
    unknown = uuid.uuid4().hex
    objects = {**world.objects, **(_uploads(instance, world) if "upload" in template else {})}
    for role in ("anonymous", *TENANT_BOUND):
        answers = []
        for ident in (objects["other_upload"] if "upload" in template
                      else objects["other_dataset"] if "dataset" in template
                      else world.objects["other_contract"] if "contract" in template
                      else world.other_tenant, unknown):
            path = template.format(own=world.own_tenant, other=ident, other_dataset=ident,
                                   other_contract=ident, other_upload=ident)
            response = client.request(method, path, headers=world.auth(role), json=body)
            answers.append((response.status_code, response.text.replace(ident, "ID")))
        assert answers[0] == answers[1], role
        assert answers[0][0] in (401, 403, 404), role
