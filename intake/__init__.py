"""Intake: contracts, streamed encrypted uploads, safe validation, one report."""

from intake.contract import ContractFileError, ContractRules, Layout, parse_contract
from intake.contracts import add_contract, contract_rules
from intake.events import INTAKE_EVENTS
from intake.problems import Problem, Problems, Severity
from intake.report import ValidationReport
from intake.upload import UploadTooLargeError, receive_upload
from intake.validation import ValidationOptions, validate_dataset

__all__ = [
    "INTAKE_EVENTS",
    "ContractFileError",
    "ContractRules",
    "Layout",
    "Problem",
    "Problems",
    "Severity",
    "UploadTooLargeError",
    "ValidationOptions",
    "ValidationReport",
    "add_contract",
    "contract_rules",
    "parse_contract",
    "receive_upload",
    "validate_dataset",
]
