"""Backing up an instance's own files and restoring them into a new home.

What is copied: the SQLite catalog (through SQLite's online backup API, so a database in use,
WAL included, is copied as one consistent snapshot), the local vault, the local master key
file and the witness. A PostgreSQL catalog (pg_dump), an S3 vault (bucket versioning or
replication) and a KMS key are backed up by their own tools; the manifest says which parts
are elsewhere.

The order makes the copy verifiable: the witness is copied before the catalog, so the
catalog copy holds every checkpoint the witness copy holds; the vault after it, so every
object the catalog copy names is there (an object purged in between is of a dataset that
was due for deletion anyway)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import make_url

from airlock.instance import Instance, InstanceError
from airlock.settings import Settings
from audit import Actor, ChainVerification
from audit.events import InstanceBackedUp
from catalog.private_files import make_private_dirs, write_private_file
from retention.signing import load_signer
from vault import KeyUnavailableError

FORMAT = "airlock-backup/1"
MANIFEST = "manifest.json"
DATABASE = "airlock.db"
VAULT = "vault"
MASTER_KEY = "master-key.json"
WITNESS = Path("witness") / "checkpoints.log"


class BackupError(Exception):
    """The backup or restore cannot be made; nothing was left half-written."""


class BackupManifest(BaseModel):
    format: Literal["airlock-backup/1"] = "airlock-backup/1"
    created_at: datetime
    database: Literal["sqlite", "external"]
    """sqlite: `airlock.db` here; external: back up the PostgreSQL database with pg_dump."""
    vault: Literal["local", "external"]
    """local: `vault/` here; external: the S3 bucket, backed up by its own means."""
    master_key: Literal["file", "kms"]
    """file: `master-key.json` here (store it apart from the rest); kms: the key below."""
    kms_key_id: str | None
    audit_events: int
    """Events in the copied log (0 when the catalog is external)."""


class BackupResult(BaseModel):
    manifest: BackupManifest
    verification: ChainVerification | None
    """The audit log verified with the copied keys and witness: of the copy (None when the
    catalog is external), or of the restored instance."""


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite file of the catalog, or None when it is another database."""
    url = make_url(settings.resolved_database_url)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def backup(instance: Instance, destination: Path, actor: Actor) -> BackupResult:
    """Copy the instance into `destination` (new, or an empty folder), verify the copy's
    audit log with the copied keys and witness, and record the backup in the instance's log
    (a copy of the data nobody can see in the audit trail is not left behind: on any error,
    the recording's included, the folder is removed)."""
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; back up into a new folder")
    created = not destination.exists()
    make_private_dirs(destination)
    try:
        result = _backup_into(instance, destination)
        manifest = result.manifest
        with instance.transaction(actor) as tx:
            tx.record(InstanceBackedUp(database=manifest.database, vault=manifest.vault,
                                       master_key=manifest.master_key,
                                       audit_events=manifest.audit_events))
        return result
    except BaseException:
        shutil.rmtree(destination) if created else _empty(destination)
        raise


def _backup_into(instance: Instance, destination: Path) -> BackupResult:
    settings = instance.settings
    witness = settings.resolved_witness_file
    if witness.exists():
        _copy_file(witness, destination / WITNESS)
    if not settings.kms_key_id:
        _copy_file(settings.master_key_file, destination / MASTER_KEY)
    database = sqlite_path(settings)
    if database is not None:
        with closing(sqlite3.connect(database)) as source, \
                closing(sqlite3.connect(destination / DATABASE)) as copy:
            source.backup(copy)
    if settings.storage == "local" and settings.vault_dir.exists():
        shutil.copytree(settings.vault_dir, destination / VAULT)
    verification = _verify(_settings_of(destination, settings)) if database else None
    manifest = BackupManifest(
        created_at=datetime.now(UTC), database="sqlite" if database else "external",
        vault="local" if settings.storage == "local" else "external",
        master_key="kms" if settings.kms_key_id else "file", kms_key_id=settings.kms_key_id,
        audit_events=verification.events_checked if verification else 0)
    if verification is not None and not verification.intact:
        raise BackupError(f"the copy does not verify: {verification.problem}")
    write_private_file(destination / MANIFEST, manifest.model_dump_json(indent=2).encode(),
                       replace=False)
    return BackupResult(manifest=manifest, verification=verification)


def restore(source: Path, settings: Settings) -> BackupResult:
    """Copy a backup into the home `settings` name, which must hold no instance, then verify
    its audit log there (a PostgreSQL catalog is restored from its dump first). On any
    error what was copied is removed."""
    manifest = read_manifest(source)
    database = sqlite_path(settings)
    if manifest.database == "sqlite" and database is None:
        raise BackupError("this backup holds a SQLite catalog: restore it with "
                          "AIRLOCK_DATABASE_URL unset")
    if manifest.database == "external" and database is not None:
        raise BackupError("this backup's catalog is a PostgreSQL database: pg_restore its "
                          "dump first, then set AIRLOCK_DATABASE_URL to it")
    if (manifest.vault == "local") != (settings.storage == "local"):
        raise BackupError(f"this backup's vault is {manifest.vault}; set AIRLOCK_STORAGE "
                          "to match")
    if (manifest.master_key == "kms") != bool(settings.kms_key_id):
        raise BackupError("this backup's master key is "
                          f"{'a KMS key' if manifest.kms_key_id else 'a key file'}; set "
                          "AIRLOCK_KMS_KEY_ID to match")
    targets = _restore_targets(source, manifest, settings, database)
    taken = [target for _, target in targets if target.exists()]
    if taken:
        raise BackupError(f"{taken[0]} exists; restore into a new home")
    try:
        for origin, target in targets:
            if origin.is_dir():
                make_private_dirs(target.parent)
                shutil.copytree(origin, target)
            else:
                _copy_file(origin, target)
        verification = _verify(settings)
    except BaseException:
        for _, target in targets:
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
        raise
    return BackupResult(manifest=manifest, verification=verification)


def read_manifest(source: Path) -> BackupManifest:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is no Airlock backup ({MANIFEST} is missing)")
    return BackupManifest.model_validate_json(path.read_bytes())


def _restore_targets(source: Path, manifest: BackupManifest, settings: Settings,
                     database: Path | None) -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    if manifest.database == "sqlite" and database is not None:
        pairs.append((source / DATABASE, database))
    if manifest.vault == "local":
        pairs.append((source / VAULT, settings.vault_dir))
    if manifest.master_key == "file":
        pairs.append((source / MASTER_KEY, settings.master_key_file))
    if (source / WITNESS).exists():
        pairs.append((source / WITNESS, settings.resolved_witness_file))
    missing = [origin for origin, _ in pairs if not origin.exists() and origin.name != VAULT]
    if missing:
        raise BackupError(f"the backup misses {missing[0].name}")
    return [(origin, target) for origin, target in pairs if origin.exists()]


def _settings_of(home: Path, settings: Settings) -> Settings:
    """The settings of an instance whose files are all under `home` (a backup's folder)."""
    return settings.model_copy(update={"home": home, "database_url": None,
                                       "witness_file": None, "witness_s3_bucket": None})


def _verify(settings: Settings) -> ChainVerification:
    """The audit log verified with the restored or copied files; the signing key unwrapped
    with the master key there (a key file that does not match fails here, not later)."""
    with _instance(settings) as instance:
        try:
            instance.check_ready()
        except InstanceError as exc:
            raise BackupError(str(exc)) from None
        try:
            with instance.reading() as session:
                load_signer(session, instance.master_key)
        except KeyUnavailableError as exc:
            raise BackupError(f"the master key does not open this catalog: {exc}") from None
        return instance.verify_audit()


@contextmanager
def _instance(settings: Settings) -> Iterator[Instance]:
    instance = Instance(settings)
    try:
        yield instance
    finally:
        instance.dispose()


def _copy_file(origin: Path, target: Path) -> None:
    make_private_dirs(target.parent)
    shutil.copy2(origin, target)
    target.chmod(0o600)


def _empty(folder: Path) -> None:
    for entry in folder.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
