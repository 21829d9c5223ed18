"""Every setting, from `AIRLOCK_*` environment variables (documented in the README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIRLOCK_", extra="ignore")

    home: Path = Field(default=Path(".airlock"),
                       description="Instance folder: SQLite database, local vault, master key.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default SQLite at `$AIRLOCK_HOME/airlock.db`. "
                    "PostgreSQL: `postgresql+psycopg://user@host/db`.")
    storage: Literal["local", "s3"] = Field(
        default="local", description="Vault backend: `local` (`$AIRLOCK_HOME/vault`) or `s3`.")
    s3_bucket: str | None = Field(default=None, description="S3 bucket (storage `s3`).")
    s3_prefix: str = Field(default="", description="Key prefix inside the bucket.")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint (MinIO, SeaweedFS); AWS when unset.")
    s3_region: str = Field(default="us-east-1", description="Region of the bucket and KMS key.")
    kms_key_id: str | None = Field(
        default=None,
        description="AWS KMS key id or ARN as master key; when unset, a local key file "
                    "`$AIRLOCK_HOME/master-key.json` (mode 0600) is used.")
    kms_endpoint_url: str | None = Field(default=None,
                                         description="KMS endpoint (VPC endpoint, tests).")
    dask_scheduler: str | None = Field(
        default=None, pattern=r"^(tcp|tls)://[^\s/]+:[0-9]{1,5}$",
        description="Dask scheduler (`tcp://host:8786`, or `tls://host:8786` with the "
                    "three files below) that runs the anonymisation's shard tasks; unset, "
                    "they run in the process that runs the step. Workers need Airlock "
                    "installed and the same storage and master key settings.")
    dask_tls_ca_file: Path | None = Field(
        default=None, description="CA certificate the scheduler's certificate is checked "
                                  "against (a `tls://` scheduler).")
    dask_tls_cert_file: Path | None = Field(
        default=None, description="This client's certificate for a `tls://` scheduler.")
    dask_tls_key_file: Path | None = Field(
        default=None, description="This client's private key for a `tls://` scheduler.")
    host: str = Field(default="127.0.0.1", description="Address `airlock serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `airlock serve` binds.")
    max_request_bytes: int = Field(
        default=1_048_576, ge=1024,
        description="Largest JSON request body the API accepts (uploads have their own limit).")
    max_upload_bytes: int = Field(
        default=50 * 1024**3, ge=1,
        description="Largest upload accepted (bytes); larger is refused with 413, nothing kept.")
    upload_max_per_token: int = Field(
        default=4, ge=1, le=1000,
        description="Uploads one token may have in flight; more get 429 with Retry-After.")
    upload_max_per_tenant: int = Field(
        default=16, ge=1, le=1000,
        description="Uploads one tenant's tokens may have in flight together; more get 429.")
    upload_max_concurrent: int = Field(
        default=64, ge=1, le=1000,
        description="Uploads the service streams at once (each on a thread of its own, apart "
                    "from the threads other requests use); more get 429.")
    upload_read_timeout_seconds: float = Field(
        default=30.0, gt=0, le=3600,
        description="An upload that sends nothing for this long is aborted with 408 and "
                    "nothing is kept.")
    upload_min_bytes_per_second: int = Field(
        default=1024, ge=0,
        description="Slowest average rate an upload may keep once it has run for "
                    "`AIRLOCK_UPLOAD_READ_TIMEOUT_SECONDS`; slower is aborted with 408 "
                    "(0: no minimum).")
    upload_abandon_seconds: int = Field(
        default=86400, ge=1, le=30 * 86400,
        description="An upload still unfinished this long after it began (its process was "
                    "killed mid-stream) is recorded as interrupted and purged, with a "
                    "certificate, by the worker or at the next start.")
    upload_part_size_bytes: int = Field(
        default=32 * 1024**2, ge=1, le=1024**3,
        description="Part size of a multipart upload (`POST /v1/uploads`) when the client "
                    "names none; raised for an archive that would need more than 10,000 "
                    "parts.")
    upload_min_part_size_bytes: int = Field(
        default=1024**2, ge=1, le=1024**3,
        description="Smallest part size a multipart upload may choose (the last part may "
                    "be smaller); the largest is 1 GiB.")
    upload_expiry_hours: float = Field(
        default=24.0, gt=0, le=720,
        description="A multipart upload not completed this long after its last activity "
                    "expires: the worker purges its parts, with a certificate.")
    preflight_max_bytes: int = Field(
        default=256 * 1024**2, ge=1024,
        description="Largest pre-flight manifest (`POST /v1/preflight`: the file list and the "
                    "label files); larger is refused with 413, nothing kept.")
    preflight_max_line_bytes: int = Field(
        default=96 * 1024**2, ge=1024,
        description="Longest line of a pre-flight manifest (one label file, base64); longer "
                    "is refused with 413, nothing kept.")
    pii_max_per_token: int = Field(
        default=2, ge=1, le=1000,
        description="`/v1/pii` requests one token may have running; more get 429.")
    pii_max_per_tenant: int = Field(
        default=4, ge=1, le=1000,
        description="`/v1/pii` requests one tenant's tokens may have running together.")
    pii_max_concurrent: int = Field(
        default=16, ge=1, le=1000,
        description="`/v1/pii` requests the service takes at once; they run one per CPU on "
                    "threads of their own, apart from other requests'; more get 429.")
    unpack_max_entries: int = Field(default=200_000, ge=1,
                                    description="Most files an upload's archive may hold.")
    unpack_max_ratio: float = Field(
        default=200.0, ge=1.0, description="Largest uncompressed/compressed ratio (zip bombs).")
    unpack_max_total_bytes: int = Field(
        default=200 * 1024**3, ge=1, description="Most uncompressed bytes in one archive.")
    validation_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, le=64,
        description="Threads decoding images during validation (default: CPU count).")
    anonymise_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, le=64,
        description="Processes rewriting labels during anonymisation (default: CPU count; "
                    "1 = in the calling process). Each loads the text models once.")
    anonymise_pool_min_items: int = Field(
        default=5000, ge=0,
        description="Datasets with fewer items are rewritten in the calling process: "
                    "starting worker processes costs seconds of model loading.")
    shard_max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024 * 1024, le=4 * 1024**3,
        description="Validation re-cuts each upload into shards of at most this many bytes "
                    "of files (a larger file gets a shard of its own); each image shard is one "
                    "task of the anonymisation.")
    shard_max_files: int = Field(
        default=512, ge=1, le=100_000,
        description="... and at most this many files, so that a dataset of small images "
                    "still spreads over many tasks.")
    image_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, le=64,
        description="Threads redacting images in parallel during anonymisation (default: "
                    "CPU count). The models load once per process and run one thread each.")
    max_untrained_days: int = Field(
        default=180, ge=0, le=3650,
        description="Datasets never trained (training not completed) are purged this many "
                    "days after upload.")
    rejected_report_seconds: int = Field(
        default=86400, ge=0, le=90 * 86400,
        description="A rejected dataset's copies are deleted at once; its key, and so its "
                    "sealed validation report, is kept this long for the client to read, "
                    "then the purge finishes with a certificate.")
    retention_schedule: str = Field(
        default="0 * * * *",
        description="Cron expression of the worker's sweep (UTC; a sixth field, last, counts "
                    "seconds); default hourly.")
    worker_poll_seconds: float = Field(
        default=10.0, ge=0.5, le=3600,
        description="How often the worker looks for uploads to validate and datasets to "
                    "anonymise.")
    serve_worker: bool = Field(
        default=True,
        description="`airlock serve` anonymises in a worker process of its own, started and "
                    "stopped with it and restarted if it dies, so the API process never loads "
                    "the models. `false`: run `airlock worker` processes yourself; serve then "
                    "only validates.")
    step_lease_seconds: float = Field(
        default=60.0, ge=5, le=3600,
        description="A pipeline step (validation, anonymisation) whose process stopped "
                    "renewing its hold this long ago is taken over by another process and "
                    "recorded as interrupted; a process that died on the same host is taken "
                    "over at once.")
    auth_failure_window_seconds: float = Field(
        default=60.0, ge=1, le=3600,
        description="Failed authentications are counted per source address over this window "
                    "and audited as one event per source and window.")
    auth_failure_limit: int = Field(
        default=30, ge=1, le=100_000,
        description="Failed authentications a source may make per window; beyond, 429.")
    console_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60,
        description="A console session unused this long is ended; the person signs in again.")
    console_session_hours: int = Field(
        default=12, ge=1, le=24 * 30,
        description="A console session ends this long after sign-in, however busy.")
    checkpoint_every_events: int = Field(
        default=1000, ge=1, le=1_000_000,
        description="A signed checkpoint of the audit log at least every this many events.")
    checkpoint_every_seconds: float = Field(
        default=600.0, ge=1, le=86_400,
        description="... and when an event comes this long after the latest checkpoint.")
    witness_file: Path | None = Field(
        default=None,
        description="Append-only file that witnesses every signed checkpoint outside the "
                    "database; default `$AIRLOCK_HOME/witness/checkpoints.log`.")
    witness_s3_bucket: str | None = Field(
        default=None,
        description="A second witness: an S3 bucket with Object Lock, each checkpoint an "
                    "object version locked in COMPLIANCE mode (endpoint and region as for "
                    "the vault).")
    witness_s3_prefix: str = Field(default="airlock-witness/", max_length=256,
                                   description="Key prefix of the witness objects.")
    witness_retention_days: int = Field(
        default=400, ge=1, le=36_500,
        description="How long each witness object is locked against deletion.")
    metrics_token: SecretStr | None = Field(
        default=None, min_length=32,
        description="Bearer token Prometheus scrapes `/metrics` with (at least 32 "
                    "characters); unset, `/metrics` answers 404.")
    worker_metrics_port: int | None = Field(
        default=None, ge=1, le=65535,
        description="Port on which `airlock worker` (serve's own worker included) serves "
                    "its metrics, unauthenticated, at `/metrics`; unset, it serves none.")
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the worker's metrics port binds (loopback: scrape it from "
                    "the same host, or through a proxy).")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Log level of the service.")
    log_format: Literal["json", "text"] = Field(
        default="json", description="`json`: one JSON event per line, for a log collector; "
                                    "`text`: a readable line, for a terminal.")

    @model_validator(mode="after")
    def _storage_needs_bucket(self) -> Settings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("AIRLOCK_STORAGE=s3 needs AIRLOCK_S3_BUCKET")
        return self

    @model_validator(mode="after")
    def _tls_scheduler_needs_certificates(self) -> Settings:
        files = (self.dask_tls_ca_file, self.dask_tls_cert_file, self.dask_tls_key_file)
        if (self.dask_scheduler or "").startswith("tls://") and None in files:
            raise ValueError("a tls:// AIRLOCK_DASK_SCHEDULER needs AIRLOCK_DASK_TLS_CA_FILE, "
                             "AIRLOCK_DASK_TLS_CERT_FILE and AIRLOCK_DASK_TLS_KEY_FILE")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home.resolve() / 'airlock.db'}"

    @property
    def vault_dir(self) -> Path:
        return self.home / "vault"

    @property
    def resolved_witness_file(self) -> Path:
        return self.witness_file or self.home / "witness" / "checkpoints.log"

    @property
    def master_key_file(self) -> Path:
        return self.home / "master-key.json"

