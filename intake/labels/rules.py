"""Every rule id the label parsers report; a test checks the parsers use exactly these."""

from __future__ import annotations

LABEL_RULES = frozenset({
    # the file as a whole
    "label.encoding", "label.too_large", "label.missing_file", "label.json_too_deep",
    "label.malformed_json", "label.malformed_csv", "label.malformed_xml", "label.xml_unsafe",
    # manifests (CSV, JSONL)
    "label.missing_header", "label.missing_column", "label.duplicate_column",
    "label.malformed_row", "label.field_too_large", "label.line_too_long",
    "label.not_an_object", "label.unknown_field",
    # one label
    "label.bad_image_path", "label.no_class", "label.bad_class", "label.missing_field",
    "label.formula_injection",
    # COCO
    "label.coco_structure", "label.duplicate_id", "label.unknown_image_id",
    "label.unknown_category",
    # YOLO
    "label.yolo_bad_box", "label.unknown_class_index", "label.no_class_names",
    "label.bad_class_names",
    # VOC
    "label.voc_structure",
})
