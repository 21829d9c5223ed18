"""Shared fixtures: every database test runs on SQLite and, when
AIRLOCK_TEST_DATABASE_URL is set, on PostgreSQL too."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, make_url, text

from airlock.instance import InitResult, Instance, init_instance
from airlock.pii_engine import PiiEngineLoader
from airlock.settings import Settings
from audit import GENESIS_HASH
from catalog import Base, make_engine, upgrade

pytest_plugins = ["tests.s3server"]

# Property tests check what is computed, not how fast: on a shared two-core machine under a
# parallel suite, per-example deadlines and the slow-generation check fail at random.
hypothesis_settings.register_profile("shared-machine", deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("shared-machine")

PG_URL = os.environ.get("AIRLOCK_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL \
    else ["sqlite"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating each time is slower)."""
    path = tmp_path_factory.mktemp("template") / "airlock.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """AIRLOCK_TEST_DATABASE_URL; under pytest-xdist each worker gets a database of its own
    beside it (`<name>_gw0`, ...), made here and dropped at the end, as tests truncate
    every table between them."""
    assert PG_URL is not None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        yield PG_URL
        return
    base = make_url(PG_URL)
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.drop_all(connection)
    upgrade(engine)
    yield engine
    engine.dispose()


def _reset_postgres(engine: Engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"),
                           {"h": GENESIS_HASH})


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        _reset_postgres(request.getfixturevalue("pg_engine"))
        url: str = request.getfixturevalue("pg_url")
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    target = tmp_path / "airlock.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a fresh instance, also exported to the environment for CLI tests."""
    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith("AIRLOCK_") and name != "AIRLOCK_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AIRLOCK_HOME", str(home))
    monkeypatch.setenv("AIRLOCK_DATABASE_URL", database_url)
    # Text models load once per test process; a pool of worker processes per job would
    # load them again each time (tests/anonymize/dataset covers the pool).
    monkeypatch.setenv("AIRLOCK_ANONYMISE_WORKERS", "1")
    return Settings(home=home, database_url=database_url, anonymise_workers=1)


@pytest.fixture
def initialised(settings: Settings) -> InitResult:
    return init_instance(settings)


@pytest.fixture(scope="session")
def pii_engine_loader() -> PiiEngineLoader:
    """One engine for the test process, as a deployment has one per process; instances made
    by CLI commands under test load their own."""
    return PiiEngineLoader()


@pytest.fixture
def instance(settings: Settings, initialised: InitResult,
             pii_engine_loader: PiiEngineLoader) -> Iterator[Instance]:
    inst = Instance(settings, pii_engine=pii_engine_loader)
    yield inst
    inst.dispose()


@pytest.fixture(params=["local", "s3+kms"])
def any_instance(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    pii_engine_loader: PiiEngineLoader,
) -> Iterator[Instance]:
    """An initialised instance on the local backend with a key file, and on S3 with a KMS
    master key (both on the loopback moto server)."""
    if request.param == "s3+kms":
        from tests.s3server import make_client  # a plugin module: not imported at load time

        server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        key_id = make_client(server, "kms").create_key()["KeyMetadata"]["KeyId"]
        settings = settings.model_copy(
            update={
                "storage": "s3",
                "s3_bucket": bucket,
                "s3_prefix": "tenant-data",
                "s3_endpoint_url": server.endpoint_url,
                "kms_key_id": key_id,
                "kms_endpoint_url": server.endpoint_url,
            }
        )
        for name, value in (
            ("STORAGE", "s3"),
            ("S3_BUCKET", bucket),
            ("S3_PREFIX", "tenant-data"),
            ("S3_ENDPOINT_URL", server.endpoint_url),
            ("KMS_KEY_ID", key_id),
            ("KMS_ENDPOINT_URL", server.endpoint_url),
        ):
            monkeypatch.setenv(f"AIRLOCK_{name}", value)
    init_instance(settings)
    instance = Instance(settings, pii_engine=pii_engine_loader)
    yield instance
    instance.dispose()
