"""`coco`: file names renamed; captions, attributes and every other string rewritten, except
COCO's structural keys (ids, geometry, categories, licences) and the contract's kept fields."""

from __future__ import annotations

import json
from typing import Any

from anonymize.dataset.batch import Batch
from anonymize.dataset.labels.encoding import decode, encode
from anonymize.dataset.labels.json_values import JsonSlots
from anonymize.dataset.plan import LabelPlan

_IMAGE_KEYS = frozenset({"id", "width", "height", "license"})
_ANNOTATION_KEYS = frozenset({"id", "image_id", "category_id", "segmentation", "area", "bbox",
                              "iscrowd", "keypoints", "num_keypoints"})
_KEPT_SECTIONS = frozenset({"categories", "licenses"})


def rewrite_coco(data: bytes, file: str, output_file: str, plan: LabelPlan,
                 batch: Batch) -> bytes:
    text, codec = decode(data)
    document = json.loads(text)
    slots = JsonSlots(batch)
    if isinstance(document, dict):
        for section in list(document):
            if section in ("images", "annotations") and isinstance(document[section], list):
                structural = _IMAGE_KEYS if section == "images" else _ANNOTATION_KEYS
                for i, item in enumerate(document[section]):
                    if isinstance(item, dict):
                        _item(item, structural, plan, slots, f"$.{section}[{i}]")
            elif section not in _KEPT_SECTIONS:
                report = "(coco info)" if section == "info" else "(unlisted field)"
                slots.text(document, section, section, report, f"$.{section}")
    slots.fill(batch.run(output_file))
    return encode(json.dumps(document, ensure_ascii=False), codec)


def _item(item: dict[str, Any], structural: frozenset[str], plan: LabelPlan,
          slots: JsonSlots, where: str) -> None:
    for key in list(item):
        if key == "file_name":
            slots.path(item, key)
        elif key not in structural and not plan.is_kept(key):
            slots.text(item, key, key, plan.report_name(key), where)

