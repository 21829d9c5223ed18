"""`airlock training ...` and the hold commands through the real CLI (CliRunner) on a real
instance: refusals print one `error:` line, exit 1, and are audited."""

from __future__ import annotations

import io
import json
import os
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from airlock.cli.main import app
from airlock.instance import Instance
from catalog import AuditEventRecord
from retention.training import purpose_sha256
from tests.anonymize.dataset.copies import anonymised_tar
from tests.retention import datasets
from tests.retention.datasets import PURPOSE, RETENTION_DAYS

runner = CliRunner()
ELSEWHERE = "Selling the photos to advertisers"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _one_error(code: int, out: str, err: str) -> str:
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    return err


def _events(instance: Instance, action: str) -> list[AuditEventRecord]:
    with instance.reading() as session:
        return list(session.execute(select(AuditEventRecord).where(
            AuditEventRecord.action == action).order_by(AuditEventRecord.seq)).scalars())


@pytest.fixture
def dataset_id(instance: Instance) -> str:
    return datasets.ready(instance)


def test_training_started_and_completed(instance: Instance, dataset_id: str) -> None:
    code, out, err = _run("training", "started", dataset_id, "--purpose",
                          f" {PURPOSE.lower()} ", "--json")
    assert code == 0, err
    started = json.loads(out)
    assert started["state"] == "training" and started["training_started_at"]
    code, out, err = _run("training", "completed", dataset_id, "--json")
    assert code == 0, err
    completed = json.loads(out)
    trained_at = datetime.fromisoformat(completed["trained_at"])
    assert completed["state"] == "trained"
    assert datetime.fromisoformat(completed["purge_due_at"]) == \
        trained_at + timedelta(days=RETENTION_DAYS)
    [event] = _events(instance, "training.started")
    assert (event.actor, event.role) == (f"cli:uid{os.getuid()}", "operator")


def test_refusals_print_one_error_line_and_are_audited(instance: Instance,
                                                       dataset_id: str) -> None:
    err = _one_error(*_run("training", "started", dataset_id, "--purpose", ELSEWHERE))
    assert dataset_id in err and "not the one its contract authorises" in err
    assert "pet classifier" not in err.casefold()
    [refusal] = _events(instance, "training.refused")
    assert refusal.outcome == "denied"
    assert refusal.details == {"purpose_sha256": purpose_sha256(ELSEWHERE),
                               "reason": "purpose_mismatch"}
    err = _one_error(*_run("training", "completed", dataset_id))
    assert f"dataset {dataset_id} is ready" in err
    assert _run("training", "started", dataset_id, "--purpose", PURPOSE)[0] == 0
    err = _one_error(*_run("training", "started", dataset_id, "--purpose", PURPOSE))
    assert "is training" in err
    assert [e.details["reason"] for e in _events(instance, "training.refused")] == [
        "purpose_mismatch", "not_ready"]
    _one_error(*_run("training", "started", "nosuchdataset", "--purpose", PURPOSE))


def test_training_read_writes_the_anonymised_copy(instance: Instance, dataset_id: str,
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / "train.tar"
    code, out, err = _run("training", "read", dataset_id, "--purpose", PURPOSE,
                          "--output", str(output))
    assert code == 0, err
    assert output.read_bytes() == anonymised_tar(instance, dataset_id)
    assert f"{output.stat().st_size} bytes" in out
    err = _one_error(*_run("training", "read", dataset_id, "--purpose", PURPOSE,
                           "--output", str(output)))
    assert "exists; pass --force" in err
    output.write_bytes(b"stale")
    assert _run("training", "read", dataset_id, "--purpose", PURPOSE, "--output",
                str(output), "--force")[0] == 0
    assert output.read_bytes() == anonymised_tar(instance, dataset_id)
    reads = _events(instance, "training.copy_read")
    assert [e.details["purpose_sha256"] for e in reads] == [purpose_sha256(PURPOSE)] * 2

    refused = folder / "refused.tar"
    _one_error(*_run("training", "read", dataset_id, "--purpose", ELSEWHERE, "--output",
                     str(refused)))
    assert sorted(p.name for p in folder.iterdir()) == ["train.tar"]  # nothing half-made
    assert len(_events(instance, "training.copy_read")) == 2
    assert _events(instance, "training.refused")[-1].details["reason"] == "purpose_mismatch"


def test_hold_and_release(instance: Instance, dataset_id: str) -> None:
    code, out, err = _run("retention", "hold", dataset_id, "--reason", "Regulator inquiry 12",
                          "--json")
    assert code == 0, err
    placed = json.loads(out)
    assert placed["reason"] == "Regulator inquiry 12" and placed["released_at"] is None
    assert placed["placed_by"] == f"cli:uid{os.getuid()}"
    status = json.loads(_run("status", dataset_id, "--json")[1])
    assert status["legal_hold"] is True and status["hold_reason"] == "Regulator inquiry 12"
    err = _one_error(*_run("retention", "hold", dataset_id, "--reason", "Again"))
    assert f"already under legal hold {placed['id']}" in err
    _one_error(*_run("retention", "hold", dataset_id, "--reason", "x"))

    code, out, err = _run("retention", "release", dataset_id, "--reason", "Inquiry closed",
                          "--json")
    assert code == 0, err
    released = json.loads(out)
    assert (released["id"], released["release_reason"]) == (placed["id"], "Inquiry closed")
    assert json.loads(_run("status", dataset_id, "--json")[1])["legal_hold"] is False
    err = _one_error(*_run("retention", "release", dataset_id, "--reason", "Again"))
    assert "no open legal hold" in err
    [event] = _events(instance, "retention.hold_placed")
    assert (event.role, event.details) == ("compliance", {"reason": "Regulator inquiry 12"})


def test_training_read_writes_the_shards_to_a_folder(instance: Instance, dataset_id: str,
                                                     tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    code, out, err = _run("training", "read", dataset_id, "--purpose", PURPOSE,
                          "--shards-dir", str(folder))
    assert code == 0, err
    files = sorted(folder.iterdir())
    assert files and all(f.name.startswith(f"{dataset_id}-") for f in files)
    assert f"wrote the {len(files)} shards" in out
    names: list[str] = []
    for file in files:
        with tarfile.open(file) as tar:
            names += tar.getnames()
    with tarfile.open(fileobj=io.BytesIO(anonymised_tar(instance, dataset_id))) as whole:
        assert sorted(names) == sorted(whole.getnames())
    assert len(_events(instance, "training.copy_read")) == len(files)
    err = _one_error(*_run("training", "read", dataset_id, "--purpose", PURPOSE,
                           "--shards-dir", str(folder)))
    assert "exists; pass --force" in err
    code, _, _ = _run("training", "read", dataset_id, "--purpose", PURPOSE)
    assert code == 2  # neither --output nor --shards-dir
