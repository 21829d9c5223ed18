"""The anonymisation report of a dataset: counts per entity type, field and operator, never
a value (the client reads it; compliance too)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anonymize.dataset.plan import Mode


class AnonymisationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_id: str
    mode: Mode
    operators: dict[str, str] = Field(description="Entity type → operator applied.")
    images: str = Field(description="What was done to the images: kept or redacted.")
    finished_at: str
    seconds: float
    items: int
    label_files: int
    entries_dropped: int = Field(description="Archive entries that are neither items nor "
                                             "label files (junk, ignored files): not copied.")
    texts_scanned: int
    texts_changed: int
    paths_renamed: int
    entities: dict[str, int] = Field(description="Replacements per entity type.")
    by_field: dict[str, dict[str, int]] = Field(
        description="Replacements per label field (the contract's names; '(file name)' for "
                    "paths, '(unlisted field)' for fields the contract does not list).")
    by_operator: dict[str, int]
    mapping_records: int = Field(description="Re-identification records kept (deidentify).")
    mapping_copies: int
    key_discarded: bool = Field(
        description="The run's pseudonym and tag key was never stored and is gone.")
