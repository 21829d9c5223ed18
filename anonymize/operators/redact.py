"""``redact``: replace the value by a readable placeholder such as ``[PERSON]``.

Presidio's own ``redact`` deletes the text, which leaves labels unreadable ("的手机是");
this one keeps a placeholder. Registering it replaces Presidio's operator of that name.
"""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from ._params import Params, entity_type, optional_str


def placeholder_for(params: Params | None) -> str:
    return optional_str(params, Redact.PLACEHOLDER) or f"[{entity_type(params)}]"


class Redact(Operator):
    """Replace the value by ``placeholder`` (default ``[ENTITY_TYPE]``).

    Params: ``placeholder`` (optional non-empty string); ``entity_type`` (set by the engine).
    """

    PLACEHOLDER = "placeholder"

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return placeholder_for(params)

    def validate(self, params: Params | None = None) -> None:
        entity_type(params)
        optional_str(params, self.PLACEHOLDER)

    def operator_name(self) -> str:
        return "redact"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
