"""A grid of thumbnails of redacted images, so the client can see what was done at a glance.

It is only fed redacted pixels. Nothing else goes on it: no file names (they can be personal
data themselves), no captions, no metadata in the JPEG. Memory is bounded by `limit`
thumbnails of at most `thumb` x `thumb` pixels; images added after that are ignored.
"""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image

from anonymize.image.regions import Pixels

_QUALITY = 85
_GAP = 4
"""Pixels between cells and around the grid."""
_BACKGROUND = (24, 24, 24)
_MAX_COLUMNS = 64
_MAX_THUMB = 1024
_MAX_LIMIT = 4096
_MAX_SHEET_PIXELS = 64_000_000
"""Keeps the rendered grid, and the JPEG encoder's buffers, bounded whatever the settings."""


class ContactSheet:
    """Thumbnails of the first `limit` images added, laid out `columns` wide."""

    def __init__(self, columns: int = 8, thumb: int = 160, limit: int = 64) -> None:
        for name, value, top in (("columns", columns, _MAX_COLUMNS), ("thumb", thumb, _MAX_THUMB),
                                 ("limit", limit, _MAX_LIMIT)):
            if not 1 <= value <= top:
                raise ValueError(f"{name} must be between 1 and {top}, got {value}")
        cell = thumb + _GAP
        rows = math.ceil(limit / columns)
        if (min(columns, limit) * cell + _GAP) * (rows * cell + _GAP) > _MAX_SHEET_PIXELS:
            raise ValueError("the sheet these settings allow would be too large")
        self.columns = columns
        self.thumb = thumb
        self.limit = limit
        self._thumbs: list[Pixels] = []
        self._seen = 0

    def __len__(self) -> int:
        """Thumbnails kept."""
        return len(self._thumbs)

    @property
    def thumbnails(self) -> list[Pixels]:
        """The thumbnails kept, in the order added (a worker's, for the sheet of the whole
        dataset)."""
        return list(self._thumbs)

    @property
    def seen(self) -> int:
        """Images offered, including those past the limit."""
        return self._seen

    def add(self, pixels: Pixels) -> None:
        """Keep a thumbnail of `pixels` (height x width x 3 uint8, already redacted); no name
        goes with it (names may be personal data)."""
        if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
            raise ValueError(f"expected height x width x 3 uint8 pixels, got {pixels.shape} "
                             f"{pixels.dtype}")
        height, width = pixels.shape[:2]
        if height == 0 or width == 0:
            raise ValueError("cannot add an empty image")
        self._seen += 1
        if len(self._thumbs) >= self.limit:
            return
        scale = min(self.thumb / width, self.thumb / height)
        size = (min(self.thumb, max(1, round(width * scale))),
                min(self.thumb, max(1, round(height * scale))))
        thumb = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
        # A copy of its own, never a view that would keep the full image alive.
        self._thumbs.append(np.array(thumb, dtype=np.uint8, order="C", copy=True))

    def render(self) -> bytes | None:
        """The grid as a JPEG with no metadata; None when nothing was added."""
        if not self._thumbs:
            return None
        count = len(self._thumbs)
        columns = min(self.columns, count)
        rows = math.ceil(count / columns)
        cell = self.thumb + _GAP
        sheet = np.empty((rows * cell + _GAP, columns * cell + _GAP, 3), dtype=np.uint8)
        sheet[:] = _BACKGROUND
        for index, thumb in enumerate(self._thumbs):
            row, column = divmod(index, columns)
            height, width = thumb.shape[:2]
            # Centred in its cell.
            top = _GAP + row * cell + (self.thumb - height) // 2
            left = _GAP + column * cell + (self.thumb - width) // 2
            sheet[top:top + height, left:left + width] = thumb
        out = io.BytesIO()
        image = Image.fromarray(sheet, mode="RGB")
        image.info.clear()
        image.save(out, format="JPEG", quality=_QUALITY)
        return out.getvalue()
