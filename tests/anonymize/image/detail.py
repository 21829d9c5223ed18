"""Fine detail of an image and how much of it survives: the external scorer's measure."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from anonymize.image.regions import Pixels

Floats = npt.NDArray[np.float64]


def high_pass(pixels: Pixels) -> Floats:
    grey = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY).astype(np.float64)
    return np.asarray(grey - cv2.GaussianBlur(grey, (0, 0), 1.5), dtype=np.float64)


def correlation(a: Floats, b: Floats) -> float:
    a, b = a - a.mean(), b - b.mean()
    scale = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return 0.0 if scale == 0 else float((a * b).sum()) / scale
