"""Label files of each layout: which archive entries they are and how each is rewritten."""

from __future__ import annotations

from collections.abc import Callable

from anonymize.dataset.batch import Batch
from anonymize.dataset.labels.coco_labels import rewrite_coco
from anonymize.dataset.labels.csv_labels import rewrite_csv
from anonymize.dataset.labels.encoding import LabelEncodingError
from anonymize.dataset.labels.jsonl_labels import rewrite_jsonl
from anonymize.dataset.labels.voc_labels import rewrite_voc
from anonymize.dataset.plan import LabelPlan
from vocabulary import Layout

# (data, archive path, its name in the copy, plan, batch) -> the rewritten file
Rewrite = Callable[[bytes, str, str, LabelPlan, Batch], bytes]


def _unchanged(data: bytes, file: str, output_file: str, plan: LabelPlan,
               batch: Batch) -> bytes:
    """YOLO label files hold class numbers and coordinates only."""
    return data


def label_rewrite(plan: LabelPlan, path: str) -> Rewrite | None:
    """The rewriter of `path` if it is one of the dataset's label files, else None."""
    layout = plan.layout
    if layout in (Layout.CSV_MANIFEST, Layout.JSONL_MANIFEST) and path == plan.manifest:
        return rewrite_csv if layout is Layout.CSV_MANIFEST else rewrite_jsonl
    if layout is Layout.COCO and path == plan.annotations:
        return rewrite_coco
    inside = not plan.labels_dir or path.startswith(plan.labels_dir.rstrip("/") + "/")
    if layout is Layout.VOC and inside and path.endswith(".xml"):
        return rewrite_voc
    if layout is Layout.YOLO and (path == plan.class_names or (inside and path.endswith(".txt"))):
        return _unchanged
    return None


__all__ = ["LabelEncodingError", "Rewrite", "label_rewrite"]
