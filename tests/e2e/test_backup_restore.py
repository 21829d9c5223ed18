"""A backup restored into a new home, through the real CLI: the audit log verifies there and
the data decrypts there. On PostgreSQL the catalog goes through pg_dump and pg_restore, the
rest through `airlock admin backup`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.e2e.conftest import airlock
from tests.intake.datasets import contract_yaml, dataset_folder
from vocabulary import Layout


def uploaded_instance(env: dict[str, str], tmp_path: Path) -> str:
    """An instance with a tenant, a contract and one accepted, anonymised dataset."""
    assert airlock(env, "init").returncode == 0
    assert airlock(env, "tenant", "create", "acme").returncode == 0
    contract = tmp_path / "contract.yaml"
    contract.write_text(contract_yaml(Layout.YOLO))
    added = airlock(env, "contract", "add", str(contract), "--tenant", "acme")
    assert added.returncode == 0, added.stderr
    root = dataset_folder(tmp_path / "dataset", Layout.YOLO)
    done = airlock(env, "upload", str(root), "--contract", "yolo", "--tenant", "acme", "--json")
    assert done.returncode == 0, done.stderr
    dataset_id: str = json.loads(done.stdout)["dataset_id"]
    return dataset_id


def assert_restored(env: dict[str, str], dataset_id: str, events_before: int) -> None:
    verified = airlock(env, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["events_checked"] >= events_before
    report = airlock(env, "report", dataset_id)  # the sealed report, decrypted here
    assert report.returncode == 0 and "ACCEPTED" in report.stdout, report.stderr
    status = json.loads(airlock(env, "status", dataset_id, "--json").stdout)
    assert status["state"] == "ready"


def _events(env: dict[str, str]) -> int:
    verified = airlock(env, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    count: int = json.loads(verified.stdout)["events_checked"]
    return count


def test_backup_restores_into_a_new_home(env: dict[str, str], tmp_path: Path,
                                         database_url: str) -> None:
    if database_url.startswith("sqlite"):
        sqlite_backup_restores(env, tmp_path)
    elif shutil.which("pg_dump") is None:
        pytest.skip("no pg_dump")
    else:
        postgres_backup_restores(env, tmp_path, database_url)


def sqlite_backup_restores(env: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in env.items() if k != "AIRLOCK_DATABASE_URL"}
    dataset_id = uploaded_instance(env, tmp_path)
    events = _events(env)
    backup = tmp_path / "backup"
    taken = airlock(env, "admin", "backup", str(backup), "--json")
    assert taken.returncode == 0, taken.stderr
    manifest = json.loads(taken.stdout)["manifest"]
    assert manifest["database"] == "sqlite" and manifest["master_key"] == "file"
    assert json.loads(taken.stdout)["verification"]["intact"]
    assert (backup / "master-key.json").stat().st_mode & 0o077 == 0
    recorded = [json.loads(line) for line in airlock(
        env, "audit", "events", "--action", "instance.backed_up", "--json").stdout.splitlines()]
    assert [(e["details"], e["outcome"]) for e in recorded] == [
        ({"database": "sqlite", "vault": "local", "master_key": "file",
          "audit_events": manifest["audit_events"]}, "success")]

    again = airlock(env, "admin", "backup", str(backup))
    assert again.returncode == 1 and "not empty" in again.stderr

    shutil.rmtree(Path(env["AIRLOCK_HOME"]))  # the machine is lost
    new = {**env, "AIRLOCK_HOME": str(tmp_path / "new-home")}
    restored = airlock(new, "admin", "restore", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "intact" in restored.stdout
    assert_restored(new, dataset_id, events)
    twice = airlock(new, "admin", "restore", str(backup))
    assert twice.returncode == 1 and "restore into a new home" in twice.stderr


def postgres_backup_restores(env: dict[str, str], tmp_path: Path, database_url: str) -> None:
    """The catalog through pg_dump and pg_restore into a new database, the rest through
    `airlock admin backup`."""
    dataset_id = uploaded_instance(env, tmp_path)
    events = _events(env)
    dump = tmp_path / "catalog.dump"
    pg = make_url(database_url)
    libpq = pg.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq], check=True,
                   timeout=120)
    taken = airlock(env, "admin", "backup", str(tmp_path / "backup"), "--json")
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["manifest"]["database"] == "external"

    restored_db = f"{pg.database}_restored"
    admin = create_engine(pg.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{restored_db}"'))
    try:
        target = pg.set(database=restored_db)
        subprocess.run(["pg_restore", "--no-owner", "--dbname",
                        target.set(drivername="postgresql").render_as_string(
                            hide_password=False), str(dump)], check=True, timeout=120)
        new = {**env, "AIRLOCK_HOME": str(tmp_path / "new-home"),
               "AIRLOCK_DATABASE_URL": target.render_as_string(hide_password=False)}
        restored = airlock(new, "admin", "restore", str(tmp_path / "backup"))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert_restored(new, dataset_id, events)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)'))
        admin.dispose()
