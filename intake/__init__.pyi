from .contract_format import ContractFileError, ContractRules, parse_contract
from .contract_store import add_contract, contract_rules
from .events import INTAKE_EVENTS
from .preflight import ManifestBounds, ManifestError, PreflightOptions, preflight
from .problems import Problem, Problems, Severity
from .receipt import IntakeReceipt, ReceiptSigner, issue_receipt, render_receipt_text
from .report import ValidationReport
from .upload import UploadTooLargeError, receive_upload
from .validation import ValidationJob, ValidationOptions, validate_dataset

__all__ = [
    "INTAKE_EVENTS",
    "ContractFileError",
    "ContractRules",
    "IntakeReceipt",
    "ManifestBounds",
    "ManifestError",
    "PreflightOptions",
    "Problem",
    "Problems",
    "ReceiptSigner",
    "Severity",
    "UploadTooLargeError",
    "ValidationJob",
    "ValidationOptions",
    "ValidationReport",
    "add_contract",
    "contract_rules",
    "issue_receipt",
    "parse_contract",
    "preflight",
    "receive_upload",
    "render_receipt_text",
    "validate_dataset",
]
