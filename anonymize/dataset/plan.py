"""What the anonymisation of one dataset needs to know, taken from its contract by the caller
(the composition root), so this package does not depend on intake."""

from __future__ import annotations

from dataclasses import dataclass, field

from anonymize.image import ImagePlan
from vocabulary import AnonymisationMode, Layout


@dataclass(frozen=True)
class LabelPlan:
    """Where the labels are (archive paths) and which of their fields are what.

    Fields in `kept` are copied unchanged; the image field becomes a path reference; every
    other field is rewritten as free text — those the contract marks free text, and those it
    does not list at all (privacy first: an unlisted column may hold anything).
    """

    layout: Layout
    image_field: str = "image"
    class_field: str | None = None
    manifest: str | None = None
    annotations: str | None = None
    labels_dir: str = ""
    class_names: str | None = None
    free_text: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()

    def is_kept(self, name: str) -> bool:
        return name in self.kept or name == self.class_field

    def report_name(self, name: str) -> str:
        """Field names for the report: the contract's, else one placeholder (a key read from
        an upload is never echoed)."""
        return name if name in self.free_text or name in self.kept else "(unlisted field)"


@dataclass(frozen=True)
class DatasetPlan:
    mode: AnonymisationMode
    operators: dict[str, str]
    labels: LabelPlan
    root: str = ""
    rename_paths: bool = True
    images: ImagePlan | None = field(default_factory=ImagePlan)
    """How faces and text are redacted; None: the contract says the images hold no personal
    data, they are copied unchanged."""
    fixed_names: frozenset[str] = field(default_factory=frozenset)
    """Path components never rewritten: the contract's folders and listed class names."""

    def fixed_prefix(self) -> str:
        return self.root.strip("/") + "/" if self.root.strip("/") else ""
