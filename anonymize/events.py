"""Audit events of anonymisation: modes, counts and types, never a value or a file name."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from audit import AuditEvent, Count, Id, Name, Outcome, StepInterrupted


class AnonymisationStarted(AuditEvent):
    """The anonymisation of a validated dataset began (`mode`: anonymise or deidentify)."""

    action: ClassVar[str] = "dataset.anonymisation_started"
    tenant: Id
    dataset: Id
    mode: Name


class DatasetAnonymised(AuditEvent):
    """The anonymised copy (and, when de-identifying, the encrypted mapping) was stored.
    `entities` counts replacements per entity type; the run's key was discarded. `images`
    is `redacted` or `kept`; `images_flagged` counts images on which the residual check
    still found a face or text."""

    action: ClassVar[str] = "dataset.anonymised"
    tenant: Id
    dataset: Id
    mode: Name
    items: Count
    label_files: Count
    paths_renamed: Count
    entities: dict[Name, Count] = Field(default_factory=dict, max_length=200)
    mapping_copies: Count
    key_discarded: bool
    images: Name = "kept"
    faces: Count = 0
    text_regions: Count = 0
    images_flagged: Count = 0


class AnonymisationFailed(AuditEvent):
    """The anonymisation stopped; what it had written was removed and the dataset went back
    to `validated`. `reason` is the error's class name."""

    action: ClassVar[str] = "dataset.anonymisation_failed"
    outcome: ClassVar[Outcome] = Outcome.FAILURE
    tenant: Id
    dataset: Id
    reason: Name


class AnonymisationInterrupted(StepInterrupted):
    """An anonymisation found unfinished (the process stopped or died during it), recorded
    by the pipeline at start-up or by the worker before it runs the anonymisation again
    (`then`: resumed) or gives the dataset up (`then`: abandoned)."""

    action: ClassVar[str] = "dataset.anonymisation_interrupted"


class MappingRead(AuditEvent):
    """The re-identification mapping of a de-identified dataset was read. The event's actor
    is the reidentifier token; `approved_by` is the compliance officer who approved it."""

    action: ClassVar[str] = "dataset.mapping_read"
    tenant: Id
    dataset: Id
    copies: Count
    approved_by: Name


ANONYMISE_EVENTS: tuple[type[AuditEvent], ...] = (
    AnonymisationStarted,
    DatasetAnonymised,
    AnonymisationFailed,
    AnonymisationInterrupted,
    MappingRead,
)
