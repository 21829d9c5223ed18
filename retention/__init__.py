"""Retention: the training lifecycle, legal holds, due dates, the crash-safe purge of every
copy with crypto-shredding, the sweep, and signed deletion certificates."""

from retention.calendar import (
    HoldEntry,
    OverdueEntry,
    OverdueReason,
    PurgeFailure,
    RetentionCalendar,
    UpcomingEntry,
    retention_calendar,
)
from retention.certificate_check import CertificateCheck, check_certificate, stored_certificate
from retention.certificate_document import DeletionCertificate, render_text, signature_valid
from retention.due import (
    Cause,
    DueDataset,
    DueRules,
    due_of,
    find_due,
    find_upcoming,
    rejected_due,
)
from retention.events import RETENTION_EVENTS
from retention.holds import list_holds, open_hold, place_hold, release_hold
from retention.purge import PurgeError, Purger
from retention.signing import InstanceSigner, instance_signer, stored_public_key
from retention.sweep import Action, Sweeper, SweepReport
from retention.training import (
    RefusalReason,
    TrainingRefusedError,
    audited_refusals,
    complete_training,
    open_for_training,
    start_training,
    training_shards,
)

__all__ = [
    "RETENTION_EVENTS",
    "Action",
    "Cause",
    "CertificateCheck",
    "DeletionCertificate",
    "DueDataset",
    "DueRules",
    "HoldEntry",
    "InstanceSigner",
    "OverdueEntry",
    "OverdueReason",
    "PurgeError",
    "PurgeFailure",
    "Purger",
    "RefusalReason",
    "RetentionCalendar",
    "SweepReport",
    "Sweeper",
    "TrainingRefusedError",
    "UpcomingEntry",
    "audited_refusals",
    "check_certificate",
    "complete_training",
    "due_of",
    "find_due",
    "find_upcoming",
    "instance_signer",
    "list_holds",
    "open_for_training",
    "open_hold",
    "place_hold",
    "rejected_due",
    "release_hold",
    "render_text",
    "retention_calendar",
    "signature_valid",
    "start_training",
    "stored_certificate",
    "stored_public_key",
    "training_shards",
]
