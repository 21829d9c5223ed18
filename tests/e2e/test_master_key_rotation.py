"""Master key rotation end to end, through the real CLI: the data stays readable, the old key
material is gone from the key file and no longer opens anything, the audit log verifies."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import airlock
from tests.e2e.test_backup_restore import uploaded_instance


def _key_ids(key_file: Path) -> set[int]:
    return {key["keyId"] for key in json.loads(key_file.read_text())["key"]}


def test_rotation_keeps_data_readable_and_retires_the_old_key(env: dict[str, str],
                                                             tmp_path: Path) -> None:
    dataset_id = uploaded_instance(env, tmp_path)
    key_file = Path(env["AIRLOCK_HOME"]) / "master-key.json"
    old_text, old_ids = key_file.read_text(), _key_ids(key_file)

    rotated = airlock(env, "vault", "rotate-key", "--json")
    assert rotated.returncode == 0, rotated.stderr
    rotation = json.loads(rotated.stdout)
    assert rotation["keys_rewrapped"] >= 1
    assert rotation["old_master_key_id"] != rotation["new_master_key_id"]
    new_ids = _key_ids(key_file)
    assert len(new_ids) == 1 and not new_ids & old_ids  # the old key is gone from the file
    assert key_file.stat().st_mode & 0o077 == 0

    report = airlock(env, "report", dataset_id)
    assert report.returncode == 0 and "ACCEPTED" in report.stdout, report.stderr
    verified = airlock(env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    events = airlock(env, "audit", "events", "--action", "vault.master_rotated", "--json")
    assert rotation["new_master_key_id"] in events.stdout

    new_text = key_file.read_text()
    key_file.write_text(old_text)  # a copy of the retired key opens nothing any more
    assert airlock(env, "report", dataset_id).returncode != 0
    key_file.write_text(new_text)
    assert airlock(env, "report", dataset_id).returncode == 0
