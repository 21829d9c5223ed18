"""Free-text strings anywhere inside a JSON value, registered in a batch and put back."""

from __future__ import annotations

from typing import Any

from anonymize.dataset.batch import Batch

Container = dict[str, Any] | list[Any]


class JsonSlots:
    """(container, key or index, slot) of every registered string, for `fill`."""

    def __init__(self, batch: Batch) -> None:
        self._batch = batch
        self._places: list[tuple[Container, Any, int]] = []

    def text(self, container: Container, key: Any, field: str, report_field: str,
             where: str) -> None:
        """Every string at any depth under `container[key]` (iteratively: depth is bounded
        by intake, but recursion is not needed)."""
        stack: list[tuple[Container, Any]] = [(container, key)]
        while stack:
            parent, k = stack.pop()
            value = parent[k]
            if isinstance(value, str):
                if value.strip():
                    self._places.append((parent, k, self._batch.text(value, field,
                                                                     report_field, where)))
            elif isinstance(value, dict):
                stack.extend((value, child) for child in value)
            elif isinstance(value, list):
                stack.extend((value, i) for i in range(len(value)))

    def path(self, container: Container, key: Any) -> None:
        value = container[key]
        if isinstance(value, str) and value:
            self._places.append((container, key, self._batch.path(value)))

    def fill(self, results: list[str]) -> None:
        for container, key, slot in self._places:
            container[key] = results[slot]

