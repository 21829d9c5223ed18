"""Where a residual check must look: the output differs from the input only where it was
painted, and the input was searched already, so only windows around the painted regions
(with context for the detectors) can hold something new."""

from __future__ import annotations

from collections.abc import Sequence

from anonymize.image.regions import Region

Window = tuple[int, int, int, int]  # x0, y0, x1, y1
FULL_FRAME_SHARE = 0.75
"""Above this share of the image, the windows cost about what the whole image does."""


def residual_windows(painted: Sequence[Region], width: int, height: int,
                     context: float = 0.5, share: float = FULL_FRAME_SHARE,
                     ) -> list[Window] | None:
    """Disjoint windows covering every painted region grown by `context` of its size on
    each side; None when they would cover more than `share` of the image (searching it
    whole is then as cheap)."""
    windows = [r.expanded(context).clip(width, height) for r in painted]
    merged = _merge([w for w in windows if w[2] > w[0] and w[3] > w[1]])
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in merged)
    return None if area > share * width * height else merged


def _merge(windows: list[Window]) -> list[Window]:
    """Overlapping windows become their bounding box, until none overlap."""
    merged: list[Window] = []
    for window in windows:
        current = window
        changed = True
        while changed:
            changed = False
            for other in merged:
                if _overlap(current, other):
                    merged.remove(other)
                    current = (min(current[0], other[0]), min(current[1], other[1]),
                               max(current[2], other[2]), max(current[3], other[3]))
                    changed = True
                    break
        merged.append(current)
    return merged


def _overlap(a: Window, b: Window) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
