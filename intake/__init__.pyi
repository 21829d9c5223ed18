from .contract_format import ContractFileError, ContractRules, parse_contract
from .contract_store import add_contract, contract_rules
from .events import INTAKE_EVENTS
from .multipart import (
    ArchiveDigestMismatchError,
    IncompleteUploadError,
    MultipartRules,
    PartDigestMismatchError,
    PartRefusedError,
    UploadNotOpenError,
    abort_upload,
    complete_upload,
    create_upload,
    expire_upload,
    given_up,
    store_part,
)
from .preflight import ManifestBounds, ManifestError, PreflightOptions, preflight
from .problems import Problem, Problems, Severity
from .receipt import IntakeReceipt, ReceiptSigner, issue_receipt, render_receipt_text
from .report import ValidationReport
from .upload import UploadTooLargeError, receive_upload
from .validation import ValidationJob, ValidationOptions, validate_dataset

__all__ = [
    "INTAKE_EVENTS",
    "ArchiveDigestMismatchError",
    "ContractFileError",
    "ContractRules",
    "IncompleteUploadError",
    "IntakeReceipt",
    "ManifestBounds",
    "ManifestError",
    "MultipartRules",
    "PartDigestMismatchError",
    "PartRefusedError",
    "PreflightOptions",
    "Problem",
    "Problems",
    "ReceiptSigner",
    "Severity",
    "UploadNotOpenError",
    "UploadTooLargeError",
    "ValidationJob",
    "ValidationOptions",
    "ValidationReport",
    "abort_upload",
    "add_contract",
    "complete_upload",
    "contract_rules",
    "create_upload",
    "expire_upload",
    "given_up",
    "issue_receipt",
    "parse_contract",
    "preflight",
    "receive_upload",
    "render_receipt_text",
    "store_part",
    "validate_dataset",
]
