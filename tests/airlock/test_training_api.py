"""Training and legal holds through the real HTTP app (TestClient) on a real instance."""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from airlock.admin import create_token
from airlock.api.app import create_app
from airlock.instance import Instance
from audit import SYSTEM
from catalog import AuditEventRecord, Role
from retention.training import purpose_sha256
from tests.anonymize.dataset.copies import anonymised_tar
from tests.retention import datasets
from tests.retention.datasets import PURPOSE, RETENTION_DAYS

ELSEWHERE = "Profiling the shelter's visitors"


@dataclass(frozen=True)
class Setup:
    api: TestClient
    dataset_id: str
    operator: dict[str, str]
    compliance: dict[str, str]

    def post(self, path: str, who: dict[str, str], body: object = None) -> dict[str, object]:
        response = self.api.post(f"/v1/datasets/{self.dataset_id}{path}", headers=who,
                                 json=body)
        return {"status": response.status_code, **response.json()}


@pytest.fixture
def setup(instance: Instance) -> Iterator[Setup]:
    dataset_id = datasets.ready(instance)
    with instance.transaction(SYSTEM) as tx:
        tokens = {role: create_token(tx, name=role.value, role=role, tenant=None).plaintext
                  for role in (Role.OPERATOR, Role.COMPLIANCE)}
    headers = {r: {"Authorization": f"Bearer {t}"} for r, t in tokens.items()}
    with TestClient(create_app(instance)) as api:
        yield Setup(api, dataset_id, headers[Role.OPERATOR], headers[Role.COMPLIANCE])


def _events(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action).order_by(AuditEventRecord.seq)).scalars())


def test_training_starts_and_completes(setup: Setup) -> None:
    started = setup.post("/training/start", setup.operator,
                         {"purpose": f"  {PURPOSE.upper()}  "})
    assert started["status"] == 200 and started["state"] == "training"
    assert started["training_started_at"] and started["trained_at"] is None
    completed = setup.post("/training/complete", setup.operator)
    assert completed["status"] == 200 and completed["state"] == "trained"
    trained_at = datetime.fromisoformat(str(completed["trained_at"]))
    assert datetime.fromisoformat(str(completed["purge_due_at"])) == \
        trained_at + timedelta(days=RETENTION_DAYS)
    again = setup.post("/training/complete", setup.operator)
    assert again["status"] == 409 and "only a dataset in training" in str(again["detail"])


def test_refusals_are_problems_and_audited(setup: Setup, instance: Instance) -> None:
    refused = setup.api.post(f"/v1/datasets/{setup.dataset_id}/training/start",
                             headers=setup.operator, json={"purpose": ELSEWHERE})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["reason"] == "purpose_mismatch"
    assert "pet classifier" not in refused.text.casefold()
    [event] = _events(instance, "training.refused")
    assert event.outcome == "denied" and event.details == {
        "purpose_sha256": purpose_sha256(ELSEWHERE), "reason": "purpose_mismatch",
        "request_id": refused.headers["x-request-id"]}
    assert setup.post("/training/start", setup.operator, {"purpose": PURPOSE})["status"] == 200
    not_ready = setup.post("/training/start", setup.operator, {"purpose": PURPOSE})
    assert (not_ready["status"], not_ready["reason"]) == (409, "not_ready")
    assert f"dataset {setup.dataset_id} is training" in str(not_ready["detail"])
    assert [e.details["reason"] for e in _events(instance, "training.refused")] == [
        "purpose_mismatch", "not_ready"]
    short = setup.post("/training/start", setup.operator, {"purpose": "x"})
    assert short["status"] == 422
    missing = setup.api.post("/v1/datasets/nosuch/training/start", headers=setup.operator,
                             json={"purpose": PURPOSE})
    assert missing.status_code == 404


def test_the_anonymised_copy_streams_for_training(setup: Setup, instance: Instance) -> None:
    path = f"/v1/datasets/{setup.dataset_id}/anonymised"
    response = setup.api.post(path, json={"purpose": PURPOSE.casefold()},
                              headers=setup.operator)
    assert response.status_code == 200
    assert response.content == anonymised_tar(instance, setup.dataset_id)
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == \
        f'attachment; filename="{setup.dataset_id}.anonymised.tar"'
    [read] = _events(instance, "training.copy_read")
    assert read.details == {"purpose_sha256": purpose_sha256(PURPOSE),
                            "request_id": response.headers["x-request-id"]}

    refused = setup.api.post(path, json={"purpose": ELSEWHERE}, headers=setup.operator)
    assert refused.status_code == 403 and refused.json()["reason"] == "purpose_mismatch"
    assert setup.post("/training/start", setup.operator, {"purpose": PURPOSE})["status"] == 200
    assert setup.post("/training/complete", setup.operator)["status"] == 200
    after = setup.api.post(path, json={"purpose": PURPOSE}, headers=setup.operator)
    assert after.status_code == 409 and after.json()["reason"] == "not_ready"
    assert len(_events(instance, "training.copy_read")) == 1
    assert len(_events(instance, "training.refused")) == 2
    in_url = setup.api.get(path, params={"purpose": PURPOSE}, headers=setup.operator)
    assert in_url.status_code == 405  # a purpose is never accepted in a URL


def test_holds_are_placed_listed_and_released(setup: Setup, instance: Instance) -> None:
    placed = setup.post("/holds", setup.compliance, {"reason": "Court order 77"})
    assert placed["status"] == 201 and placed["reason"] == "Court order 77"
    dataset = setup.api.get(f"/v1/datasets/{setup.dataset_id}", headers=setup.compliance)
    assert dataset.json()["legal_hold"] is True
    assert dataset.json()["hold_reason"] == "Court order 77"
    seen_by_operator = setup.api.get(f"/v1/datasets/{setup.dataset_id}",
                                     headers=setup.operator).json()
    assert seen_by_operator["legal_hold"] is True and seen_by_operator["hold_reason"] is None
    twice = setup.post("/holds", setup.compliance, {"reason": "Court order 78"})
    assert twice["status"] == 409 and "already under legal hold" in str(twice["detail"])
    released = setup.post("/holds/release", setup.compliance, {"reason": "Order lifted"})
    assert (released["status"], released["id"]) == (200, placed["id"])
    assert released["release_reason"] == "Order lifted" and released["released_at"]
    nothing = setup.post("/holds/release", setup.compliance, {"reason": "Again"})
    assert nothing["status"] == 409 and "no open legal hold" in str(nothing["detail"])
    newer = setup.post("/holds", setup.compliance, {"reason": "Second order"})
    listed = setup.api.get(f"/v1/datasets/{setup.dataset_id}/holds",
                           headers=setup.compliance).json()
    assert [h["id"] for h in listed] == [newer["id"], placed["id"]]
    for bad in ("no", "two\nlines", "x" * 201):
        assert setup.post("/holds", setup.compliance, {"reason": bad})["status"] == 422
    assert [e.details["reason"] for e in _events(instance, "retention.hold_placed")] == [
        "Court order 77", "Second order"]
    assert [e.details["reason"] for e in _events(instance, "retention.hold_released")] == [
        "Order lifted"]


def test_the_anonymised_shards_are_listed_and_read_one_by_one(setup: Setup,
                                                               instance: Instance) -> None:
    base = f"/v1/datasets/{setup.dataset_id}/anonymised/shards"
    body = {"purpose": PURPOSE}
    listed = setup.api.post(base, json=body, headers=setup.operator)
    assert listed.status_code == 200
    shards = listed.json()
    assert [s["index"] for s in shards] == sorted(s["index"] for s in shards)
    assert shards
    assert _events(instance, "training.copy_read") == []  # a listing reads no data
    members: list[str] = []
    for shard in shards:
        response = setup.api.post(f"{base}/{shard['index']}", json=body, headers=setup.operator)
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == shard["sha256"]
        assert len(response.content) == shard["size"]
        with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
            members += tar.getnames()
    with tarfile.open(fileobj=io.BytesIO(anonymised_tar(instance, setup.dataset_id))) as whole:
        assert sorted(members) == sorted(whole.getnames())
    assert len(_events(instance, "training.copy_read")) == len(shards)
    assert setup.api.post(f"{base}/9999", json=body, headers=setup.operator).status_code == 404
    assert setup.api.post(f"{base}/-1", json=body, headers=setup.operator).status_code == 422
    refused = setup.api.post(f"{base}/0", json={"purpose": ELSEWHERE}, headers=setup.operator)
    assert refused.status_code == 403
    assert setup.api.post(base, json={"purpose": ELSEWHERE},
                          headers=setup.operator).status_code == 403
    assert setup.api.post(base, json=body, headers=setup.compliance).status_code == 403
    assert len(_events(instance, "training.refused")) == 2
