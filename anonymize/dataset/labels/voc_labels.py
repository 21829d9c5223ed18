"""`voc`: `<filename>`, `<path>` and `<folder>` renamed like the files; the annotator's name
(`<owner>`), `<source>` and every other text rewritten, except VOC's geometry and flags, the
class (`<object><name>`) and the contract's kept fields. Comments are dropped (they can hold
anything); no DTD is accepted, as in intake."""

from __future__ import annotations

from xml.etree.ElementTree import Element, tostring

from defusedxml.ElementTree import fromstring

from anonymize.dataset.batch import Batch
from anonymize.dataset.labels.encoding import decode, encode
from anonymize.dataset.plan import LabelPlan
from vocabulary import declared_gb_encoding

_PATHS = frozenset({"filename", "path", "folder"})
_KEPT = frozenset({"size", "segmented", "pose", "truncated", "difficult", "occluded", "bndbox",
                   "polygon", "keypoints"})


class _Slots:
    def __init__(self, batch: Batch, plan: LabelPlan) -> None:
        self._batch = batch
        self._plan = plan
        self._places: list[tuple[Element, int]] = []

    def walk(self, element: Element, where: str, in_object: bool) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            here = f"{where}/{tag}"
            if tag in _KEPT or self._plan.is_kept(tag) or (in_object and tag == "name"):
                continue
            if tag in _PATHS and not in_object:
                self._add(child, self._batch.path((child.text or "").strip()))
                continue
            if (child.text or "").strip():
                self._add(child, self._batch.text(child.text or "", tag,
                                                  self._plan.report_name(tag), here))
            self.walk(child, here, in_object or tag in ("object", "part"))

    def _add(self, element: Element, slot: int) -> None:
        self._places.append((element, slot))

    def fill(self, results: list[str]) -> None:
        for element, slot in self._places:
            element.text = results[slot]


def rewrite_voc(data: bytes, file: str, output_file: str, plan: LabelPlan,
                batch: Batch) -> bytes:
    declared_gb = declared_gb_encoding(data)
    text, codec = decode(data, gb18030_first=declared_gb is not None)
    root = fromstring(text, forbid_dtd=True)
    slots = _Slots(batch, plan)
    slots.walk(root, "/annotation", in_object=False)
    slots.fill(batch.run(output_file))
    # The name the file declared (GBK is a subset of GB18030: same bytes for its characters).
    declared = declared_gb if declared_gb and codec == "gb18030" else "utf-8"
    declaration = f'<?xml version="1.0" encoding="{declared}"?>\n'
    return encode(declaration + tostring(root, encoding="unicode") + "\n", codec)
