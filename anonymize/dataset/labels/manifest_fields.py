"""How a manifest row's fields are treated: the image path is a reference, kept fields stay,
every other value is free text."""

from __future__ import annotations

from typing import Any

from anonymize.dataset.labels.json_values import JsonSlots
from anonymize.dataset.plan import LabelPlan


def register_row(row: dict[str, Any], plan: LabelPlan, slots: JsonSlots, where: str) -> None:
    for key in list(row):
        if key == plan.image_field:
            slots.path(row, key)
        elif not plan.is_kept(key):
            slots.text(row, key, key, plan.report_name(key), where)
