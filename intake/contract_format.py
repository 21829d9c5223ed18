"""The contract file format: what a tenant promised to deliver, as YAML validated at load."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from vocabulary import (
    AnonymisationMode,
    FaceModel,
    FaceShape,
    Layout,
    OperatorName,
    RedactionMethod,
    ResidualHandling,
    TextScope,
)

MiB = 1024 * 1024
GiB = 1024 * MiB

FieldName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")]
ArchivePath = Annotated[str, Field(min_length=1, max_length=512, pattern=r"^[^/\\\x00].*$")]


class ImageFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    BMP = "bmp"
    TIFF = "tiff"
    GIF = "gif"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelField(_Strict):
    """A field of the labels. `free_text` fields may hold personal information: the
    anonymiser rewrites them."""

    name: FieldName = Field(description="The column, key or element the field is read from.")
    free_text: bool = Field(default=False,
                            description="May hold personal information: anonymisation "
                                        "rewrites it.")
    required: bool = Field(default=False,
                           description="A label with this field missing or empty is an error.")


class LayoutRules(_Strict):
    """Where the labels are. Paths are inside the archive, relative to its root."""

    kind: Layout
    root: str = Field(default="", max_length=512,
                      description="Folder inside the archive that holds the dataset; '' = top.")
    manifest: ArchivePath | None = Field(
        default=None, description="csv_manifest / jsonl_manifest: the manifest file.")
    image_field: FieldName = Field(default="image",
                                   description="Manifest column/key naming the image path.")
    class_field: FieldName | None = Field(default="label",
                                          description="Manifest column/key with the class.")
    annotations: ArchivePath | None = Field(
        default=None, description="coco: the annotations JSON file.")
    images_dir: str = Field(default="", max_length=512,
                            description="Folder of images (coco, yolo, voc; default: anywhere).")
    labels_dir: str = Field(default="labels", max_length=512,
                            description="yolo: folder of .txt files; voc: folder of .xml files.")
    class_names: ArchivePath | None = Field(
        default=None, description="yolo: file with one class name per line (classes.txt).")

    @model_validator(mode="after")
    def _needs_files(self) -> LayoutRules:
        if self.kind in (Layout.CSV_MANIFEST, Layout.JSONL_MANIFEST) and not self.manifest:
            raise ValueError(f"layout {self.kind.value} needs `manifest`")
        if self.kind is Layout.COCO and not self.annotations:
            raise ValueError("layout coco needs `annotations`")
        return self


class ImageRules(_Strict):
    formats: list[ImageFormat] = Field(
        default_factory=lambda: [ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.WEBP],
        min_length=1, description="Accepted formats, told by magic bytes, not by extension.")
    min_width: int = Field(default=1, ge=1, description="Narrowest image, in pixels.")
    min_height: int = Field(default=1, ge=1, description="Lowest image, in pixels.")
    max_width: int = Field(default=20_000, ge=1, description="Widest image, in pixels.")
    max_height: int = Field(default=20_000, ge=1, description="Tallest image, in pixels.")
    min_pixels: int = Field(default=1, ge=1, description="Smallest width × height.")
    max_pixels: int = Field(default=100_000_000, ge=1, le=1_000_000_000,
                            description="Checked on the header before decoding (bombs).")
    max_file_bytes: int = Field(default=50 * MiB, ge=1, le=2 * GiB,
                                description="Largest image file, in bytes.")


class VolumeRules(_Strict):
    min_items: int = Field(default=1, ge=0, description="Fewest images: the agreed volume.")
    max_items: int | None = Field(default=None, ge=1,
                                  description="Most images; unset: no maximum.")
    classes: list[FieldName] | None = Field(
        default=None, description="The class list; other classes are errors. None: any.")
    min_items_per_class: int = Field(default=0, ge=0,
                                     description="Fewest images of each class.")
    max_total_bytes: int = Field(
        default=100 * GiB, ge=1,
        description="Most uncompressed bytes in the archive (tightens "
                    "AIRLOCK_UNPACK_MAX_TOTAL_BYTES).")


class LabelRules(_Strict):
    fields: list[LabelField] = Field(
        default_factory=list,
        description="The label fields; one not listed may hold anything and is rewritten.")
    require_labels: bool = Field(default=True,
                                 description="An image with no label is an error (else warning).")
    allow_duplicate_images: bool = Field(default=False,
                                         description="Same SHA-256 twice: warning, else error.")


class ImageHandling(StrEnum):
    REDACT = "redact"
    KEEP = "keep"


class FaceRedaction(_Strict):
    enabled: bool = Field(default=True, description="Find and paint over faces.")
    method: RedactionMethod = Field(default=RedactionMethod.BLUR,
                                    description="How a face is painted over.")
    shape: FaceShape = Field(default=FaceShape.ELLIPSE,
                             description="The shape painted over a face.")
    margin: float = Field(default=0.3, ge=0, le=1.5,
                          description="Added on each side, as a fraction of the face's size "
                                      "(hair, ears, turned heads).")
    model: FaceModel = Field(
        default=FaceModel.CENTERFACE,
        description="The face detector: centerface (trained on WIDER FACE, whose terms "
                    "restrict commercial use of derived data) or blazeface (MediaPipe, "
                    "Apache-2.0, not WIDER FACE; finds fewer faces). See docs/design/models.md.")


class TextRedaction(_Strict):
    scope: TextScope = Field(
        default=TextScope.ALL,
        description="all: every text region; personal: only text read as personal "
                    "information (names, phones, IDs, plates); none.")
    method: RedactionMethod = Field(default=RedactionMethod.BLUR,
                                    description="How a text region is painted over.")
    margin: float = Field(default=0.1, ge=0, le=1.5,
                          description="Added on each side of a text region, as a fraction "
                                      "of its size.")


class PlateRedaction(_Strict):
    enabled: bool = Field(default=True,
                          description="Find and paint over licence plates, whatever "
                                      "text.scope says (a plate names a vehicle's keeper).")
    method: RedactionMethod = Field(default=RedactionMethod.BLUR,
                                    description="How a plate is painted over.")
    margin: float = Field(default=0.3, ge=0, le=1.5,
                          description="Added on every side of a plate's characters, as a "
                                      "fraction of their height (the plate's ground and "
                                      "frame).")


class ImageRedactionRules(_Strict):
    faces: FaceRedaction = Field(default_factory=FaceRedaction, description="Faces.")
    plates: PlateRedaction = Field(default_factory=PlateRedaction,
                                   description="Licence plates.")
    text: TextRedaction = Field(default_factory=TextRedaction,
                                description="Other text (signs, documents).")
    residual: ResidualHandling = Field(
        default=ResidualHandling.REDO,
        description="What the detectors still find on the output: redo (paint again, then "
                    "flag what is left) or flag.")


EntityType = Annotated[str, Field(pattern=r"^(?:[A-Z][A-Z0-9_]{1,47}|DEFAULT)$")]


class AnonymisationRules(_Strict):
    """How the anonymised copy is made from the validated dataset."""

    mode: AnonymisationMode = Field(
        default=AnonymisationMode.ANONYMISE,
        description="anonymise: no mapping is kept and the keys are discarded; deidentify: a "
                    "re-identification mapping is kept encrypted as the `mapping` copy.")
    operators: dict[EntityType, OperatorName] = Field(
        default_factory=dict, max_length=64,
        description="Operator per entity type over the default policy; DEFAULT for the rest.")
    rename_paths: bool = Field(
        default=True, description="Rewrite file and folder names that hold personal data.")
    images: ImageHandling = Field(
        default=ImageHandling.REDACT,
        description="redact: blur faces and text, strip metadata; keep: images hold no "
                    "personal data by agreement and are copied unchanged.")
    redaction: ImageRedactionRules = Field(default_factory=ImageRedactionRules,
                                           description="How images are redacted.")


class ContractRules(_Strict):
    """A contract file. Only `name`, `purpose` and `layout.kind` are required."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,127}$")] = Field(
        description="The contract's name within its tenant: lowercase letters, digits, "
                    "`.`, `_`, `-`.")
    description: str = Field(default="", max_length=2000, description="Free text, for people.")
    purpose: str = Field(min_length=3, max_length=2000,
                         description="The authorised purpose; training must declare it.")
    retention_days: int = Field(default=30, ge=0, le=3650,
                                description="Days after training completes before the purge.")
    layout: LayoutRules = Field(description="Where the images and labels are.")
    images: ImageRules = Field(default_factory=ImageRules, description="What each image must be.")
    volume: VolumeRules = Field(default_factory=VolumeRules, description="How much, of what.")
    labels: LabelRules = Field(default_factory=LabelRules, description="The label fields.")
    anonymisation: AnonymisationRules = Field(default_factory=AnonymisationRules,
                                              description="How the anonymised copy is made.")
    version_note: str = Field(default="", max_length=500,
                              description="What changed in this version, for people.")

    @model_validator(mode="after")
    def _consistent(self) -> ContractRules:
        if self.volume.max_items is not None and self.volume.max_items < self.volume.min_items:
            raise ValueError("volume.max_items is below volume.min_items")
        if self.images.max_width < self.images.min_width:
            raise ValueError("images.max_width is below images.min_width")
        if self.images.max_height < self.images.min_height:
            raise ValueError("images.max_height is below images.min_height")
        names = [f.name for f in self.labels.fields]
        if len(names) != len(set(names)):
            raise ValueError("labels.fields names must be unique")
        return self

    def free_text_fields(self) -> list[str]:
        return [f.name for f in self.labels.fields if f.free_text]


class ContractFileError(ValueError):
    """A contract file that is not YAML or breaks the rules; names the line or field."""


MAX_CONTRACT_BYTES = 256 * 1024
MAX_CONTRACT_DEPTH = 16  # the deepest contract field is 4 levels down


def parse_contract(text: str, source: str = "contract") -> ContractRules:
    if len(text) > MAX_CONTRACT_BYTES:
        raise ContractFileError(f"{source}: larger than 256 KiB")
    try:
        _check_shape(text, source)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ContractFileError(f"{source}{where}: not valid YAML") from exc
    if not isinstance(data, dict):
        raise ContractFileError(f"{source}: expected a mapping of contract fields")
    try:
        return ContractRules.model_validate(data)
    except ValueError as exc:
        raise ContractFileError(f"{source}: {_every_error(exc)}") from exc


def _check_shape(text: str, source: str) -> None:
    """Refuse deep nesting and aliases on the event stream, before anything is built: the
    loader recurses once per level, and aliases can multiply a small file's size."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            raise ContractFileError(f"{source} line {line}: anchors and aliases are not "
                                    "allowed in a contract")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_CONTRACT_DEPTH:
                raise ContractFileError(f"{source} line {line}: nested deeper than "
                                        f"{MAX_CONTRACT_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _every_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if errors is None:
        return str(exc)
    found = [f"{'.'.join(str(p) for p in err.get('loc', ())) or 'contract'}: "
             f"{err.get('msg', 'invalid')}" for err in errors()]
    return found[0] if len(found) == 1 else f"{len(found)} problems: " + "; ".join(found)
