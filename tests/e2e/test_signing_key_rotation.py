"""Signing key rotation end to end, through the real CLI: a certificate issued before it
still verifies after it (by the instance, and by the light client given the old public key),
new certificates are signed by the new key, and the audit log, with checkpoints under both
keys, verifies."""

from __future__ import annotations

import json
from pathlib import Path

from airlock_client.bundle_verifier import verify_bundle
from airlock_client.evidence_verifier import parse_public_key, verify_document
from tests.e2e.conftest import airlock
from tests.intake.datasets import contract_yaml, dataset_folder
from vocabulary import Layout


def _certified_rejection(env: dict[str, str], tmp_path: Path, name: str
                         ) -> tuple[str, dict[str, object]]:
    """A dataset rejected (one item of one class, the contract wants both classes), purged
    by the sweep, and its deletion certificate."""
    root = dataset_folder(tmp_path / name, Layout.YOLO, count=1)
    done = airlock(env, "upload", str(root), "--contract", "yolo", "--tenant", "acme", "--json")
    assert done.returncode == 1, done.stderr
    dataset_id = json.loads(done.stdout)["dataset_id"]
    swept = airlock(env, "retention", "run", "--json")
    assert swept.returncode == 0, swept.stderr
    shown = airlock(env, "certificate", "show", dataset_id, "--json")
    assert shown.returncode == 0, shown.stderr
    certificate: dict[str, object] = json.loads(shown.stdout)
    return dataset_id, certificate


def _issuer(certificate: dict[str, object]) -> dict[str, str]:
    issuer = certificate["issuer"]
    assert isinstance(issuer, dict)
    return issuer


def test_old_certificates_verify_after_rotation(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "AIRLOCK_REJECTED_REPORT_SECONDS": "0"}
    assert airlock(env, "init").returncode == 0
    assert airlock(env, "tenant", "create", "acme").returncode == 0
    contract = tmp_path / "contract.yaml"
    contract.write_text(contract_yaml(Layout.YOLO))
    assert airlock(env, "contract", "add", str(contract), "--tenant", "acme").returncode == 0
    first, before = _certified_rejection(env, tmp_path, "before")
    old_key_id, old_pem = _issuer(before)["key_id"], _issuer(before)["public_key"]
    assert airlock(env, "audit", "export", str(tmp_path / "bundle-before")).returncode == 0

    rotated = airlock(env, "admin", "rotate-signing-key", "--json")
    assert rotated.returncode == 0, rotated.stderr
    rotation = json.loads(rotated.stdout)
    assert rotation["old_key_id"] == old_key_id != rotation["new_key_id"]

    # The instance verifies the old certificate with the retired key it names.
    checked = airlock(env, "certificate", "verify", first, "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["key_id"] == old_key_id
    # Offline, with the old public key: the CLI and the light client agree.
    old_key_file = tmp_path / "old.pem"
    old_key_file.write_text(old_pem)
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(before))
    offline = airlock(env, "certificate", "verify", "--file", str(saved), "--public-key",
                      str(old_key_file))
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert verify_document(before, parse_public_key(old_pem)).valid
    assert not verify_document(before, parse_public_key(rotation["public_key"])).valid

    second, after = _certified_rejection(env, tmp_path, "after")
    assert _issuer(after)["key_id"] == rotation["new_key_id"]
    assert airlock(env, "certificate", "verify", second).returncode == 0
    assert verify_document(after, parse_public_key(rotation["public_key"])).valid

    verified = airlock(env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    events = airlock(env, "audit", "events", "--action", "audit.checkpoint", "--json")
    signers = {json.loads(line)["object_ids"]["key_id"] for line in events.stdout.splitlines()}
    assert {old_key_id, rotation["new_key_id"]} <= signers

    # An audit bundle with checkpoints under both keys verifies offline, and extends the
    # bundle exported before the rotation.
    bundle = tmp_path / "bundle-after"
    assert airlock(env, "audit", "export", str(bundle)).returncode == 0
    result = verify_bundle(bundle, rotation["new_key_id"], tmp_path / "bundle-before")
    assert result.intact, result.problem
    assert result.retired_key_ids == (old_key_id,) and result.previous_tree_size
    (bundle / "retired_keys.jsonl").unlink()
    assert not verify_bundle(bundle, rotation["new_key_id"]).intact


def test_rotation_needs_a_key_to_rotate(env: dict[str, str]) -> None:
    assert airlock(env, "init").returncode == 0  # init signs its first checkpoint: a key
    first = json.loads(airlock(env, "admin", "rotate-signing-key", "--json").stdout)
    second = json.loads(airlock(env, "admin", "rotate-signing-key", "--json").stdout)
    assert second["old_key_id"] == first["new_key_id"]
    assert airlock(env, "audit", "verify").returncode == 0
