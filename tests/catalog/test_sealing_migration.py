"""Migration 0006 seals the file names, classes, label references and reports that older
versions kept in the clear, with each dataset's key, and leaves no trace of them in the
database files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from catalog import (
    AnonymisationReportRecord,
    DatasetReport,
    Item,
    is_current,
    make_engine,
    upgrade,
)
from catalog.migrate import alembic_config
from vault import DataKey, LocalMasterKey, unwrap_data_key, wrap_data_key
from vault.fields import (
    ANONYMISATION_REPORT,
    ITEM_CLASS_NAME,
    ITEM_PATH,
    VALIDATION_REPORT,
    FieldCipher,
)
from vault.service import key_context

NAME = "images/张三_身份证-QZX7731.jpg"
_REPORT_INSERTS = (
    "INSERT INTO dataset_reports (dataset_id, body, created_at) VALUES (:d, :b, :n)",
    "INSERT INTO anonymisation_reports (dataset_id, body, created_at) VALUES (:d, :b, :n)")


def _old_database(database_url: str, master: LocalMasterKey) -> Engine:
    """The database taken back to 0005, with a live dataset and one whose key is
    destroyed."""
    engine = make_engine(database_url)
    command.downgrade(alembic_config(engine), "0005")
    now = "2026-12-01 00:00:00.000000"
    with engine.begin() as db:
        db.execute(text("INSERT INTO tenants (id, name, created_at) VALUES ('t', 'acme', :n)"),
                   {"n": now})
        for dataset_id, wrapped in (("live", wrap_data_key(master, DataKey.generate(),
                                                           key_context("live"))),
                                    ("gone", None)):
            db.execute(text(
                "INSERT INTO datasets (id, tenant_id, state, legal_hold, created_at, "
                "state_changed_at) VALUES (:d, 't', 'ready', false, :n, :n)"),
                {"d": dataset_id, "n": now})
            db.execute(text("INSERT INTO data_keys (dataset_id, key_id, wrapped, created_at) "
                            "VALUES (:d, '1', :w, :n)"), {"d": dataset_id, "w": wrapped, "n": now})
            db.execute(text(
                "INSERT INTO items (dataset_id, path, sha256, size, class_name, label_ref) "
                "VALUES (:d, :p, :s, 1, '张三的猫', 'labels.csv:2')"),
                {"d": dataset_id, "p": NAME, "s": "0" * 64})
            for insert in _REPORT_INSERTS:
                db.execute(text(insert),
                           {"d": dataset_id, "b": json.dumps({"file": NAME}), "n": now})
    return engine


def test_old_rows_are_sealed_with_their_dataset_key(database_url: str, tmp_path: Path) -> None:
    master = LocalMasterKey.create(tmp_path / "master.key")
    engine = _old_database(database_url, master)
    with pytest.raises(RuntimeError, match="airlock init"):
        upgrade(engine)  # without the vault, nothing is lost or left half-done

    def sealer_for(dataset_id: str, wrapped: bytes) -> FieldCipher:
        return FieldCipher(unwrap_data_key(master, wrapped, key_context(dataset_id)), dataset_id)

    upgrade(engine, sealer_for=sealer_for)
    with engine.connect() as db:
        [item] = db.execute(select(Item)).all()
        reports = {table.__tablename__: db.execute(select(table)).all()
                   for table in (DatasetReport, AnonymisationReportRecord)}
        wrapped = db.execute(text("SELECT wrapped FROM data_keys WHERE dataset_id = 'live'")
                             ).scalar_one()
    engine.dispose()
    fields = sealer_for("live", wrapped)
    assert item.dataset_id == "live"  # the destroyed key's rows are gone
    assert fields.open(ITEM_PATH, item.sealed_path) == NAME
    assert fields.open(ITEM_CLASS_NAME, item.sealed_class_name) == "张三的猫"
    assert fields.open_json(VALIDATION_REPORT, reports["dataset_reports"][0].sealed_body) \
        == {"file": NAME}
    [anonymisation] = reports["anonymisation_reports"]
    assert fields.open_json(ANONYMISATION_REPORT, anonymisation.sealed_body) == {"file": NAME}
    assert is_current(engine)
    for path in tmp_path.glob("airlock.db*"):  # SQLite: pages and WAL
        data = path.read_bytes()
        assert "张三".encode() not in data and b"QZX7731" not in data, path.name
