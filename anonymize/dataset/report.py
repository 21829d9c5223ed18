"""The anonymisation report of a dataset: counts per entity type, field and operator, never
a value (the client reads it; compliance too)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anonymize.dataset.image_stage import ImageTally
from anonymize.image import ImagePlan
from vocabulary import AnonymisationMode


class ImageSummary(BaseModel):
    """What was done to the images; names are the anonymised ones."""

    model_config = ConfigDict(extra="forbid")

    handling: str = Field(description="redacted, or kept (the contract says the images hold "
                                      "no personal data).")
    settings: dict[str, str] = Field(default_factory=dict)
    images: int = 0
    faces: int = Field(default=0, description="Face regions painted over.")
    plates: int = Field(default=0, description="Licence plates painted over.")
    text_regions: int = Field(default=0, description="Text regions painted over.")
    redone: int = Field(default=0, description="Images painted again after the residual "
                                               "check found something.")
    flagged: int = Field(default=0, description="Images on which the residual check still "
                                                "found a face or text after the last pass.")
    flagged_items: list[str] = Field(default_factory=list,
                                     description="The first flagged images (anonymised names).")
    metadata_stripped: bool = False
    contact_sheet: bool = Field(default=False,
                                description="A preview of redacted thumbnails is stored.")

    @classmethod
    def of(cls, plan: ImagePlan | None, tally: ImageTally, sheet: bool) -> ImageSummary:
        if plan is None:
            return cls(handling="kept")
        return cls(
            handling="redacted",
            settings={"faces": f"{plan.face_method.value} {plan.face_shape.value}, margin "
                               f"{plan.face_margin}" if plan.faces else "not redacted",
                      "plates": f"{plan.plate_method.value}, margin {plan.plate_margin}"
                      if plan.plates else "not redacted",
                      "text": f"{plan.text.value}, {plan.text_method.value}, margin "
                              f"{plan.text_margin}",
                      "residual": plan.residual.value},
            images=tally.images, faces=tally.faces, plates=tally.plates,
            text_regions=tally.text_regions,
            redone=tally.redone, flagged=tally.flagged, flagged_items=tally.flagged_items,
            metadata_stripped=True, contact_sheet=sheet)


class AnonymisationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_id: str
    mode: AnonymisationMode
    operators: dict[str, str] = Field(description="Entity type → operator applied.")
    images: ImageSummary
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
    shards: int = Field(default=0, description="Shards of the anonymised copy.")
    processes: int = Field(
        default=0, description="Processes that redacted the image shards (this one, or the "
                               "cluster's workers).")
