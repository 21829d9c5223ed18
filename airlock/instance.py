"""The composition root: builds an instance's parts from settings, once per process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from airlock.pii_engine import PiiEngineLoader
from airlock.settings import Settings
from anonymize.events import ANONYMISE_EVENTS
from audit import (
    FOUNDATION_EVENTS,
    SYSTEM,
    Actor,
    AuditLog,
    ChainVerification,
    EventRegistry,
    Transaction,
    Transactions,
    verify_chain,
)
from audit.checkpoints import UNWITNESSED, checkpoint_due, latest_checkpoint, write_checkpoint
from audit.events import AuditVerified, InstanceInitialized
from audit.log import HeadMissingError
from audit.witness import FileWitness, Witness, WitnessError
from catalog import (
    ApiToken,
    AuditCheckpoint,
    AuditHead,
    Role,
    is_current,
    make_engine,
    make_session_factory,
    upgrade,
)
from catalog.private_files import make_private_dirs
from intake.events import INTAKE_EVENTS
from retention import RETENTION_EVENTS, InstanceSigner, instance_signer
from retention.events import SigningKeyRotated
from retention.signing import rotate_signing_key, signing_keys
from vault import (
    Backend,
    LocalBackend,
    LocalMasterKey,
    MasterKey,
    ShardBounds,
    VaultService,
)

if TYPE_CHECKING:
    from airlock.image_models import ImageModels
    from intake import ValidationOptions

log = logging.getLogger("airlock.audit")


class InstanceError(Exception):
    """The instance is missing, not initialised, or its configuration is inconsistent."""


def event_registry() -> EventRegistry:
    return EventRegistry((*FOUNDATION_EVENTS, *INTAKE_EVENTS, *ANONYMISE_EVENTS,
                          *RETENTION_EVENTS))


@dataclass
class Instance:
    """`pii_engine` may be shared between instances of one process (the tests do)."""

    settings: Settings
    pii_engine: PiiEngineLoader = field(default_factory=PiiEngineLoader)
    engine: Engine = field(init=False)
    read_engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)
    readers: sessionmaker[Session] = field(init=False)
    registry: EventRegistry = field(init=False)

    def __post_init__(self) -> None:
        url = self.settings.resolved_database_url
        self.engine = make_engine(url)
        self.read_engine = make_engine(url, writer=False) if url.startswith("sqlite") \
            else self.engine
        self.sessions = make_session_factory(self.engine)
        self.readers = make_session_factory(self.read_engine)
        self.registry = event_registry()
        self._image_models: ImageModels | None = None
        self._image_models_made = threading.Lock()

    @contextmanager
    def transaction(self, actor: Actor) -> Iterator[Transaction]:
        """One unit of work: the change and its audit events commit together or not at all.

        When it appended events and the unsigned tail of the log passed a bound of the
        settings, a checkpoint is signed in it too; once committed, the checkpoints it wrote
        go to the witness."""
        with self.sessions() as session:
            with session.begin():
                audit_log = AuditLog(session, self.registry)
                tx = Transaction(session=session, log=audit_log, actor=actor)
                yield tx
                if audit_log.head is not None and self._due(audit_log.head):
                    self.checkpoint(tx)
            self._witness(session.info.pop(UNWITNESSED, []))

    def checkpoint_if_due(self) -> bool:
        """For the worker: sign the tail once it is older than the time bound, even when
        no event comes to trigger it. A read when nothing is due."""
        with self.reading() as session:
            head = session.execute(select(AuditHead)).scalar_one()
        if not self._due(head):
            return False
        with self.transaction(SYSTEM) as tx:
            self.checkpoint(tx)
        return True

    def _due(self, head: AuditHead) -> bool:
        return checkpoint_due(head, self.settings.checkpoint_every_events,
                              self.settings.checkpoint_every_seconds, datetime.now(UTC))

    def checkpoint(self, tx: Transaction) -> AuditCheckpoint:
        """Sign a checkpoint of the log so far in this unit of work."""
        return write_checkpoint(tx, self._signer_in(tx.session), datetime.now(UTC))

    def _signer_in(self, session: Session) -> InstanceSigner:
        """The signer, loaded in the caller's session when this process has not yet (a
        transaction of its own would wait on the caller's write lock)."""
        if "signer" not in self.__dict__:
            self.__dict__["signer"] = instance_signer(session, self.master_key)
        signer: InstanceSigner = self.__dict__["signer"]
        return signer

    def rotate_signing_key(self, actor: Actor) -> tuple[str, InstanceSigner]:
        """A new signing key, in one unit of work: the log so far signed by the old key,
        the old public key kept, the rotation audited, and the log signed again by the new
        key. Returns the old key id and the new signer. Other processes keep the key they
        loaded until they restart (what they sign still verifies: the old key is kept)."""
        with self.transaction(actor) as tx:
            self.checkpoint(tx)
            now = datetime.now(UTC)
            old_key_id, signer = rotate_signing_key(tx.session, self.master_key, now)
            self.__dict__["signer"] = signer
            tx.record(SigningKeyRotated(old_key_id=old_key_id, new_key_id=signer.key_id))
            self.checkpoint(tx)
        return old_key_id, signer

    def _witness(self, checkpoints: list[AuditCheckpoint]) -> None:
        """Logged, not raised: the change is committed already. A witness that missed a
        checkpoint only holds less; verification requires the database to hold what the
        witness holds, not the reverse."""
        if not checkpoints:
            return
        for witness in self.witnesses:
            try:
                witness.append(list(checkpoints))
            except OSError:
                log.error("audit witness: cannot append to %s", witness.name)

    @property
    def image_models(self) -> ImageModels:
        """The image detectors, made on first use (importing them loads OpenCV, which most
        commands never need)."""
        with self._image_models_made:
            if self._image_models is None:
                from airlock.image_models import ImageModels

                self._image_models = ImageModels(self.pii_engine, self.settings.image_workers)
            return self._image_models

    @cached_property
    def witness(self) -> FileWitness:
        return FileWitness(self.settings.resolved_witness_file)

    @cached_property
    def witnesses(self) -> list[Witness]:
        """The file, and an S3 bucket with Object Lock when one is configured."""
        found: list[Witness] = [self.witness]
        if self.settings.witness_s3_bucket:
            from audit.witness_s3 import S3Witness

            found.append(S3Witness(self.aws_client("s3", self.settings.s3_endpoint_url),
                                   self.settings.witness_s3_bucket,
                                   self.settings.witness_s3_prefix,
                                   self.settings.witness_retention_days))
        return found

    def verify_audit(self) -> ChainVerification:
        """The chain, its signed checkpoints and the witness outside the database."""
        with self.reading() as session:
            keys = signing_keys(session)
            try:
                witnessed = [seen for witness in self.witnesses for seen in witness.read()]
            except WitnessError as exc:
                result = verify_chain(session, keys)
                return result if not result.intact else result.model_copy(
                    update={"intact": False, "problem": str(exc)})
            return verify_chain(session, keys, witnessed=witnessed)

    def verify_audit_as(self, actor: Actor) -> ChainVerification:
        """`verify_audit`, then the verification itself audited (the API and the CLI)."""
        result = self.verify_audit()
        with suppress(HeadMissingError), self.transaction(actor) as tx:
            # Not recordable when the head is gone; the result says so.
            tx.record(AuditVerified(events_checked=result.events_checked, intact=result.intact,
                                    first_bad_seq=result.first_bad_seq))
        return result

    def ensure_checkpointed(self, tx: Transaction) -> None:
        """An instance made before checkpoints were mandatory gets its first one, and its
        witness the latest one."""
        latest = latest_checkpoint(tx.session)
        if latest is None:
            self.checkpoint(tx)
        elif not self.witness.exists():
            self.witness.append([latest])

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: it never holds the write lock, so reads run alongside."""
        with self.readers() as session:
            yield session

    @cached_property
    def master_key(self) -> MasterKey:
        if self.settings.kms_key_id:
            from vault import KmsMasterKey

            return KmsMasterKey(self.aws_client("kms", self.settings.kms_endpoint_url),
                                self.settings.kms_key_id)
        path = self.settings.master_key_file
        if not path.exists():
            raise InstanceError(f"master key file {path} is missing; run `airlock init`")
        return LocalMasterKey.load(path)

    @cached_property
    def storage(self) -> Backend:
        if self.settings.storage == "s3":
            from vault import S3Backend

            assert self.settings.s3_bucket is not None
            client = self.aws_client("s3", self.settings.s3_endpoint_url)
            return S3Backend(client, self.settings.s3_bucket, self.settings.s3_prefix)
        return LocalBackend(self.settings.vault_dir)

    @cached_property
    def vault(self) -> VaultService:
        return VaultService(self.master_key, self.storage)

    @cached_property
    def signer(self) -> InstanceSigner:
        """The instance's Ed25519 key (certificates, audit checkpoints), made on first use."""
        with self.transaction(SYSTEM) as tx:
            return instance_signer(tx.session, self.master_key)

    def aws_client(self, service: str, endpoint_url: str | None) -> Any:
        import boto3

        return boto3.client(service, region_name=self.settings.s3_region,
                            endpoint_url=endpoint_url)

    def validation_options(self) -> ValidationOptions:
        # Imported here: the validation code loads the archive and image scanners (PIL),
        # which a command that does not validate (most of them) need not load at start.
        from intake import ValidationOptions
        from intake.unpack import UnpackLimits

        settings = self.settings
        return ValidationOptions(
            limits=UnpackLimits(max_entries=settings.unpack_max_entries,
                                max_ratio=settings.unpack_max_ratio,
                                max_total_bytes=settings.unpack_max_total_bytes),
            workers=settings.validation_workers,
            shards=ShardBounds(settings.shard_max_bytes, settings.shard_max_files))

    def transactions(self, actor: Actor) -> Transactions:
        """A factory of units of work for services that need several short transactions."""
        return lambda: self.transaction(actor)

    def check_ready(self) -> None:
        if not self.settings.kms_key_id and not self.settings.master_key_file.exists():
            raise InstanceError(f"no instance at {self.settings.home.resolve()} (master key "
                                "missing); run `airlock init`")
        if not is_current(self.engine):
            raise InstanceError(
                "the database is not initialised or is behind this version; run `airlock init`")

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


@dataclass(frozen=True)
class InitResult:
    created: bool
    master_key_id: str
    admin_token: str | None


def init_instance(settings: Settings) -> InitResult:
    """Create (or bring up to date) the instance; idempotent.

    The first run makes the home folder, the master key, the schema and an admin token,
    printed once. Later runs only apply new migrations.
    """
    from airlock.admin import create_token

    make_private_dirs(settings.home)
    settings.home.chmod(0o700)
    if not settings.kms_key_id and not settings.master_key_file.exists():
        LocalMasterKey.create(settings.master_key_file)
    instance = Instance(settings)
    try:
        upgrade(instance.engine, sealer_for=instance.vault.field_cipher_of)
        master_key_id = instance.master_key.key_id
        system = Actor(id="airlock-init", role="admin")
        with instance.transaction(system) as tx:
            has_admin = tx.session.execute(
                select(ApiToken.id).where(ApiToken.role == Role.ADMIN).limit(1)).first()
            if has_admin:
                instance.ensure_checkpointed(tx)
                return InitResult(created=False, master_key_id=master_key_id, admin_token=None)
            tx.record(InstanceInitialized(master_key_id=master_key_id))
            issued = create_token(tx, name="initial-admin", role=Role.ADMIN, tenant=None)
            instance.checkpoint(tx)  # signed from the start: no checkpoint is never normal
        return InitResult(created=True, master_key_id=master_key_id,
                          admin_token=issued.plaintext)
    finally:
        instance.dispose()
