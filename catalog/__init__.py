"""The system of record: tenants, tokens, contracts, datasets, items and every stored copy."""

from catalog.base import Base, Clock, new_id, utcnow
from catalog.console_sessions import (
    ConsoleSession,
    add_console_session,
    end_console_sessions,
    live_console_session,
)
from catalog.contracts import add_contract_version, list_contracts, resolve_contract
from catalog.datasets import (
    create_dataset,
    get_copy,
    get_dataset,
    live_copies,
    register_copy,
)
from catalog.db import checkpoint_wal, make_engine, make_session_factory
from catalog.errors import CatalogError, ConflictError, NoReportError, NotFoundError
from catalog.lifecycle import TRANSITIONS, DatasetState, IllegalTransitionError
from catalog.migrate import is_current, upgrade
from catalog.models import (
    AnonymisationReportRecord,
    ApiToken,
    AuditCheckpoint,
    AuditEventRecord,
    AuditHead,
    Contract,
    CopyKind,
    DataKeyRecord,
    Dataset,
    DatasetReport,
    Item,
    LegalHoldError,
    Role,
    StoredCopy,
    Tenant,
)
from catalog.process_owner import owner_is_dead, process_owner
from catalog.receipts import IntakeReceiptRecord, NoReceiptError, receipt_body
from catalog.retention_records import InstanceKey, LegalHold, PurgeRecord, SweepLease
from catalog.step_job import Produce, Progress, StepJob, Tick, run_here, run_step_job
from catalog.step_runs import (
    Claim,
    StepRun,
    claim_step_run,
    release_step_run,
    renew_step_run,
    step_runs_of,
)
from catalog.tenants import create_tenant, get_tenant, list_tenants
from catalog.tokens import add_token, approve_token, find_token, list_tokens, revoke_token

__all__ = [
    "TRANSITIONS",
    "AnonymisationReportRecord",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEventRecord",
    "AuditHead",
    "Base",
    "CatalogError",
    "Claim",
    "Clock",
    "ConflictError",
    "ConsoleSession",
    "Contract",
    "CopyKind",
    "DataKeyRecord",
    "Dataset",
    "DatasetReport",
    "DatasetState",
    "IllegalTransitionError",
    "InstanceKey",
    "IntakeReceiptRecord",
    "Item",
    "LegalHold",
    "LegalHoldError",
    "NoReceiptError",
    "NoReportError",
    "NotFoundError",
    "Produce",
    "Progress",
    "PurgeRecord",
    "Role",
    "StepJob",
    "StepRun",
    "StoredCopy",
    "SweepLease",
    "Tenant",
    "Tick",
    "add_console_session",
    "add_contract_version",
    "add_token",
    "approve_token",
    "checkpoint_wal",
    "claim_step_run",
    "create_dataset",
    "create_tenant",
    "end_console_sessions",
    "find_token",
    "get_copy",
    "get_dataset",
    "get_tenant",
    "is_current",
    "list_contracts",
    "list_tenants",
    "list_tokens",
    "live_console_session",
    "live_copies",
    "make_engine",
    "make_session_factory",
    "new_id",
    "owner_is_dead",
    "process_owner",
    "receipt_body",
    "register_copy",
    "release_step_run",
    "renew_step_run",
    "resolve_contract",
    "revoke_token",
    "run_here",
    "run_step_job",
    "step_runs_of",
    "upgrade",
    "utcnow",
]
