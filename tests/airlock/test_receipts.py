"""Intake receipts and verifying signed evidence: the receipt issued with the outcome, read
over HTTP and the CLI, kept after the purge; certificates and receipts verified by
`POST /v1/certificates/verify` and `airlock certificate verify --file`, tampered ones
refused."""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.admin import create_token
from airlock.api.app import create_app
from airlock.cli.main import app as cli
from airlock.instance import Instance
from airlock.pipeline import Pipeline, Step
from airlock.retention_jobs import purger
from airlock_client.bundle_verifier import canonical_json
from airlock_client.evidence_verifier import signed_payload
from audit import SYSTEM, Actor
from catalog import Contract, DatasetState, IntakeReceiptRecord, Role, Tenant, get_dataset
from intake import receive_upload
from retention import Cause
from retention.signing import key_id_of, public_pem
from tests.intake.datasets import dataset_files, pack
from tests.retention import datasets
from vocabulary import Layout

runner = CliRunner()
UPLOADER = Actor(id="token:uploader1", role="client")
BAD_NAME = "data/cat/Zhang-San-13800138000.jpg"
"""A file name that must never reach a receipt (places are file names)."""


def _upload(instance: Instance, files: dict[str, bytes], tenant: str = "acme") -> str:
    with instance.reading() as session:
        found = session.scalar(select(Contract).join(Tenant, Tenant.id == Contract.tenant_id)
                               .where(Tenant.name == tenant))
    if found is None:
        found = datasets.contract(instance, tenant=tenant)
    return receive_upload(instance.transactions(UPLOADER), instance.vault, found,
                          io.BytesIO(pack(files, "zip")), 10**9).id


def validated(instance: Instance, tenant: str = "acme", broken: bool = False) -> str:
    """A dataset validated by the pipeline: accepted, or rejected with a broken image."""
    files = dataset_files(Layout.CLASS_FOLDERS)
    if broken:
        files[BAD_NAME] = b"\xff\xd8 not a jpeg"
    dataset_id = _upload(instance, files, tenant)
    Pipeline(instance).advance(dataset_id, only=Step.VALIDATE)
    return dataset_id


def purged_certificate(instance: Instance, dataset_id: str) -> dict[str, Any]:
    certificate = purger(instance).purge(dataset_id, Cause.REJECTED, datetime.now(UTC))
    return certificate.model_dump(mode="json")


@pytest.fixture
def api(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as test_client:
        yield test_client


def _tokens(instance: Instance) -> dict[str, dict[str, str]]:
    datasets.contract(instance, tenant="other")
    with instance.transaction(SYSTEM) as tx:
        made = {"client": create_token(tx, name="c", role=Role.CLIENT, tenant="acme"),
                "other": create_token(tx, name="o", role=Role.CLIENT, tenant="other"),
                "compliance": create_token(tx, name="k", role=Role.COMPLIANCE, tenant=None),
                "operator": create_token(tx, name="p", role=Role.OPERATOR, tenant=None)}
    return {k: {"Authorization": f"Bearer {v.plaintext}"} for k, v in made.items()}


def resigned(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The document re-signed with another key that it names: a swapped key."""
    swapped = copy.deepcopy(document)
    swapped["issuer"]["key_id"] = key_id_of(key.public_key())
    swapped["issuer"]["public_key"] = public_pem(key.public_key())
    swapped["signature"] = base64.b64encode(key.sign(signed_payload(swapped))).decode()
    return swapped


def test_the_pipeline_issues_a_receipt_with_the_outcome(instance: Instance,
                                                        api: TestClient) -> None:
    accepted = validated(instance)
    rejected = validated(instance, broken=True)
    with instance.reading() as session:
        assert get_dataset(session, rejected).state is DatasetState.REJECTED
        records = {r.dataset_id: r for r in session.scalars(select(IntakeReceiptRecord))}
    assert {records[accepted].outcome, records[rejected].outcome} == {"accepted", "rejected"}
    headers = _tokens(instance)
    good = api.get(f"/v1/datasets/{accepted}/receipt", headers=headers["client"]).json()
    assert good["outcome"] == "accepted" and good["counts"]["items"] == 6
    assert good["problems"] == {"errors": 0, "warnings": 0, "rules": {}}
    assert good["upload"]["sha256"] and good["upload"]["bytes"] > 0
    assert good["contract"]["version"] == 1 and good["tenant_id"]
    bad = api.get(f"/v1/datasets/{rejected}/receipt", headers=headers["compliance"])
    assert bad.json()["outcome"] == "rejected" and bad.json()["problems"]["errors"] >= 1
    assert all(count > 0 for count in bad.json()["problems"]["rules"].values())
    assert "Zhang" not in bad.text and "13800138000" not in bad.text
    text = api.get(f"/v1/datasets/{rejected}/receipt", params={"format": "text"},
                   headers=headers["client"])
    assert text.text.startswith("INTAKE RECEIPT") and "REJECTED" in text.text
    # The purge deletes the data, not the receipt: it still verifies.
    purged_certificate(instance, rejected)
    kept = api.get(f"/v1/datasets/{rejected}/receipt", headers=headers["client"])
    assert kept.status_code == 200 and kept.json() == bad.json()
    assert api.post("/v1/certificates/verify", json={"document": kept.json()}).json()["valid"]


def test_who_reads_a_receipt(instance: Instance, api: TestClient) -> None:
    own = validated(instance)
    headers = _tokens(instance)
    path = f"/v1/datasets/{own}/receipt"
    assert api.get(path).status_code == 401
    assert api.get(path, headers=headers["operator"]).status_code == 403
    assert api.get(path, headers=headers["other"]).status_code == 404  # as an unknown one
    assert api.get(path, headers=headers["compliance"]).status_code == 200
    received = _upload(instance, dataset_files(Layout.CLASS_FOLDERS))  # not validated
    none = api.get(f"/v1/datasets/{received}/receipt", headers=headers["client"])
    assert none.status_code == 404 and "has no intake receipt" in none.json()["detail"]


def test_verify_over_http_valid_and_tampered(instance: Instance, api: TestClient) -> None:
    dataset_id = validated(instance, broken=True)
    headers = _tokens(instance)
    receipt = api.get(f"/v1/datasets/{dataset_id}/receipt", headers=headers["client"]).json()
    certificate = purged_certificate(instance, dataset_id)

    def verify(document: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"document": document}
        if key is not None:
            body["public_key"] = key
        answer = api.post("/v1/certificates/verify", json=body)  # no token: it is public
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    signer = instance.signer
    for kind, document in (("receipt", receipt), ("certificate", certificate)):
        good = verify(document)
        assert good == {"valid": True, "kind": kind, "key_id": signer.key_id,
                        "document_id": good["document_id"], "dataset_id": dataset_id,
                        "finding": "intact", "reason": f"the {kind} is intact and signed with key "
                                  f"{signer.key_id}"}
        raw_key = base64.b64encode(signer.public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
        assert verify(document, raw_key)["valid"] and verify(document, signer.public_pem)["valid"]
        changed_id = copy.deepcopy(document)
        if kind == "receipt":
            changed_id["dataset_id"] = "0" * 32
        else:
            changed_id["subject"]["dataset_id"] = "0" * 32
        assert verify(changed_id) | {"reason": ""} == {
            **good, "valid": False, "finding": "altered", "reason": "", "dataset_id": "0" * 32}
        other = Ed25519PrivateKey.generate()
        swapped = resigned(document, other)
        assert not verify(swapped)["valid"]  # this instance's key refuses it
        assert not verify(document, public_pem(other.public_key()))["valid"]
    changed_count = copy.deepcopy(receipt)
    changed_count["counts"]["items"] += 1
    assert not verify(changed_count)["valid"]
    fewer_errors = copy.deepcopy(receipt)
    fewer_errors["problems"]["errors"] = 0
    assert "altered" in verify(fewer_errors)["reason"]
    changed_copies = copy.deepcopy(certificate)
    changed_copies["subject"]["copies"][0]["count"] += 1
    assert not verify(changed_copies)["valid"]


@pytest.mark.parametrize(("body", "detail"), [
    (b"not json", "not JSON"),
    (b'{"document": {"format": "something/1"}}', "format is not one of"),
    (b'{"document": {"format": "airlock-intake-receipt/1"}}', "receipt is malformed"),
    (b'{"document": [], "public_key": null}', "at document"),
    (b'{"document": {}, "document": {}}', "repeats a key"),
    (b'{"document": {}, "extra": 1}', "at extra"),
])
def test_malformed_verification_requests_are_422(api: TestClient, body: bytes,
                                                 detail: str) -> None:
    answer = api.post("/v1/certificates/verify", content=body,
                      headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and detail in answer.json()["detail"], answer.text


def test_a_bad_key_is_422_and_a_huge_body_413(instance: Instance, api: TestClient) -> None:
    receipt = json.loads(instance_receipt(instance))
    bad_key = api.post("/v1/certificates/verify",
                       json={"document": receipt, "public_key": "bm90IGEga2V5"})
    assert bad_key.status_code == 422 and "public key" in bad_key.json()["detail"]
    huge = api.post("/v1/certificates/verify",
                    content=b'{"document": {"x": "' + b"a" * 300_000 + b'"}}')
    assert huge.status_code == 413


def instance_receipt(instance: Instance, broken: bool = False) -> str:
    dataset_id = validated(instance, broken=broken)
    shown = runner.invoke(cli, ["receipt", "show", dataset_id, "--json"])
    assert shown.exit_code == 0, shown.output
    return shown.stdout


def test_cli_shows_and_verifies_offline(instance: Instance, tmp_path: Path) -> None:
    dataset_id = validated(instance, broken=True)
    shown = runner.invoke(cli, ["receipt", "show", dataset_id])
    assert shown.exit_code == 0 and shown.stdout.startswith("INTAKE RECEIPT")
    assert "Zhang" not in shown.stdout
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(runner.invoke(cli, ["receipt", "show", dataset_id,
                                                "--json"]).stdout)
    certificate_file = tmp_path / "certificate.json"
    certificate_file.write_text(json.dumps(purged_certificate(instance, dataset_id),
                                           indent=1, ensure_ascii=False))
    pem = tmp_path / "key.pem"
    pem.write_text(instance.signer.public_pem)
    raw = tmp_path / "key.b64"
    raw.write_text(base64.b64encode(instance.signer.public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode() + "\n")
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))

    def verify(path: Path, *key: str) -> tuple[int, str, str]:
        done = runner.invoke(cli, ["certificate", "verify", "--file", str(path), *key])
        return done.exit_code, done.stdout, done.stderr

    for path, kind in ((receipt_file, "receipt"), (certificate_file, "certificate")):
        code, out, _ = verify(path, "--public-key", str(pem))
        assert code == 0 and out.startswith(f"valid: {kind}") and dataset_id in out
        assert verify(path, "--public-key", str(raw))[0] == 0
        code, out, _ = verify(path)
        assert code == 0 and "compare that id" in out  # the key the document carries
        code, _, err = verify(path, "--public-key", str(other))
        assert code == 1 and err.startswith(f"INVALID: {kind}")
        as_json = runner.invoke(cli, ["certificate", "verify", "--file", str(path),
                                      "--public-key", str(pem), "--json"])
        assert json.loads(as_json.stdout)["valid"] is True
    tampered = json.loads(receipt_file.read_text())
    tampered["counts"]["labels"] += 1
    tampered_file = tmp_path / "tampered.json"
    tampered_file.write_text(json.dumps(tampered))
    code, _, err = verify(tampered_file, "--public-key", str(pem))
    assert code == 1 and "altered" in err
    swapped_file = tmp_path / "swapped.json"
    swapped_file.write_text(json.dumps(resigned(tampered, Ed25519PrivateKey.generate())))
    assert verify(swapped_file, "--public-key", str(pem))[0] == 1
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "airlock-deletion-certificate/1"}')
    code, _, err = verify(junk)
    assert code == 2 and "certificate is malformed" in err
    both = runner.invoke(cli, ["certificate", "verify", dataset_id, "--file", str(junk)])
    assert both.exit_code != 0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(extra=st.dictionaries(st.text(min_size=1), JSON_VALUES, max_size=3))
def test_the_signed_payload_is_the_canonical_json_without_the_signature(
        extra: dict[str, Any]) -> None:
    document = {**extra, "signature": "x"}
    payload = signed_payload(document)
    assert payload == canonical_json({k: v for k, v in extra.items() if k != "signature"})
    assert json.loads(payload) == {k: v for k, v in extra.items() if k != "signature"}
