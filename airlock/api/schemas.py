"""Request and response bodies, apart from the ORM models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog import DatasetState, LegalHold, Role, StepRun
from catalog.tokens import TOKEN_NAME
from retention.events import Reason


class Health(BaseModel):
    status: str
    database: str
    version: str


class Identity(BaseModel):
    actor: str
    role: str
    tenant_id: str | None


class TenantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64, examples=["acme-vision"])


class TenantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    created_at: datetime


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=TOKEN_NAME.pattern)
    role: Role
    tenant: str | None = Field(default=None, max_length=64,
                               description="Tenant id or name: required for clients and "
                                           "reidentifiers; an operator given one is confined "
                                           "to it; none for admins and compliance.")
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    role: Role
    tenant_id: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    approved_by: str | None = Field(description="The compliance officer who approved a "
                                                "reidentifier token; it is refused until then.")
    approved_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The secret, shown this once only.")


class ContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant: str = Field(max_length=64, description="Tenant id or name.")
    yaml: str = Field(max_length=256 * 1024, description="The contract file's text.")


class ContractOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, validate_by_name=True)
    id: str
    tenant_id: str
    name: str
    version: int
    created_at: datetime
    rules: dict[str, Any] = Field(validation_alias="body")


class ContractAdded(ContractOut):
    new_version: bool


class StepProgress(BaseModel):
    """The pipeline step running on a dataset now: counts only."""

    model_config = ConfigDict(from_attributes=True)
    step: str = Field(description="validate, anonymise or abandon.")
    done: int = Field(validation_alias="items_done",
                      description="Archive entries read (validate) or items written "
                                  "(anonymise).")
    total: int | None = Field(validation_alias="items_total",
                              description="Items to write (anonymise); null while unknown.")
    shards_done: int | None = Field(
        default=None, description="Shards done (anonymise: the dataset's raw shards, image "
                                  "and label shards alike); null when the step's work is not "
                                  "cut into shards (validate).")
    shards_total: int | None = Field(default=None,
                                     description="Shards to do; null as for shards_done.")
    started_at: datetime
    updated_at: datetime = Field(validation_alias="heartbeat_at",
                                 description="The step's process last reported (about once "
                                             "a second while it makes progress).")

    items_per_second: float | None = Field(
        default=None,
        description="Items written (anonymise) or entries read (validate) a second: the "
                    "average from started_at to updated_at, when `done` was last reported; "
                    "null before the first.")

    @field_validator("items_per_second")
    @classmethod
    def _rounded(cls, rate: float | None) -> float | None:
        return None if rate is None else round(rate, 2)


class DatasetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    tenant_id: str
    contract_id: str | None
    state: DatasetState
    legal_hold: bool
    created_at: datetime
    state_changed_at: datetime
    upload_bytes: int | None
    upload_sha256: str | None
    item_count: int | None
    error_count: int | None
    warning_count: int | None
    anonymisation_mode: str | None = Field(
        default=None, description="anonymise or deidentify, once the anonymised copy exists.")
    training_started_at: datetime | None = None
    trained_at: datetime | None = Field(
        default=None, description="When training completed: the retention clock starts here.")
    purge_due_at: datetime | None = Field(
        default=None, description="trained_at + the contract's retention_days.")
    hold_reason: str | None = Field(
        default=None, description="The open legal hold's reason (shown by status and "
                                  "`GET /v1/datasets/{id}`).")
    hold_placed_at: datetime | None = None
    progress: StepProgress | None = Field(
        default=None, description="The pipeline step running now, null when none runs.")

    def with_progress(self, run: StepRun | None) -> DatasetOut:
        if run is None:
            return self
        return self.model_copy(update={"progress": StepProgress.model_validate(run)})

    def with_hold(self, hold: LegalHold | None) -> DatasetOut:
        if hold is None:
            return self
        return self.model_copy(update={"hold_reason": hold.reason,
                                       "hold_placed_at": hold.placed_at})


class TrainingStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: str = Field(min_length=3, max_length=2000,
                         description="Must be the contract's authorised purpose (compared "
                                     "after normalising spaces and case).")


class TrainingRead(TrainingStart):
    """Reading the anonymised copy declares the purpose in the body, never in the URL, which
    access logs and proxies record."""


class ShardOut(BaseModel):
    """One shard of the anonymised copy: a tar of whole files."""

    index: int = Field(description="Its place in the copy, from 0 (label files and images "
                                   "are in shards of their own).")
    size: int = Field(description="Bytes of the tar.")
    sha256: str = Field(description="SHA-256 of the tar, to check what was read.")


class HoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason = Field(description="Why, for the record: one line, no personal data.")


class HoldOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    dataset_id: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str | None
