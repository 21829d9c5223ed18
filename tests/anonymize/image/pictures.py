"""Real photographs bundled with scikit-image: no network, no files outside the venv."""

from __future__ import annotations

import numpy as np
import skimage.data

from anonymize.image.regions import Pixels


def sample(name: str) -> Pixels:
    """A scikit-image sample picture as RGB uint8 (grey ones repeated into three channels)."""
    picture = np.asarray(getattr(skimage.data, name)())
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    return np.ascontiguousarray(picture, dtype=np.uint8)
