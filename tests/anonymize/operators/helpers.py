from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Operator

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def run(operator: Operator, text: str, entity_type: str, **params: Any) -> str:
    """What the engine does: add the entity type, validate, then operate."""
    full = {**params, "entity_type": entity_type}
    operator.validate(params=full)
    return operator.operate(text, full)
