"""The validation report: one document, every problem, places not content."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from intake.problems import Problem


class ReportSummary(BaseModel):
    archive_entries: int = Field(description="Regular files that passed the name checks.")
    images: int = Field(description="Files recognised as images by their magic bytes.")
    items: int = Field(description="Valid images: what the dataset will hold.")
    image_bytes: int
    label_files: int
    labels: int = Field(description="Label records (rows, annotations per image, files).")
    label_encodings: dict[str, int] = Field(description="Label files per text encoding.")
    distinct_classes: int
    classes: dict[str, int] = Field(
        description="Items per class, for the classes the contract lists (class names read "
                    "from labels are not echoed).")


class ValidationReport(BaseModel):
    kind: Literal["full", "preflight"] = Field(
        default="full",
        description="`full`: the uploaded archive, every byte checked. `preflight`: a manifest "
                    "sent before the upload (sizes, SHA-256s and label files): everything but "
                    "the pixels was judged; `not_checked` lists the rules it could not apply.")
    dataset_id: str = Field(description="Empty for a pre-flight: no dataset exists yet.")
    contract_id: str
    contract_name: str
    contract_version: int
    outcome: Literal["accepted", "rejected"]
    checked_at: str
    upload_bytes: int = Field(description="The archive's size; for a pre-flight, the sum of "
                                          "the sizes the manifest declares.")
    upload_sha256: str = Field(description="The archive's SHA-256; for a pre-flight, the "
                                           "manifest's as received.")
    summary: ReportSummary
    errors: int
    warnings: int
    rules: dict[str, int] = Field(description="Problems counted by rule id.")
    problems: list[Problem]
    problems_not_listed: int = Field(description="Problems counted but not listed (cap).")
    not_checked: list[str] = Field(
        default_factory=list,
        description="Rule ids this report could not apply (a pre-flight's pixel and content "
                    "checks, and the label checks of label files not sent); the full "
                    "validation applies them all.")

