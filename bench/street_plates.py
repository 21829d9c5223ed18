"""Synthetic street images: a licence plate rendered with PIL onto a photograph, at a random
size, place and slant. The photographs are scikit-image's bundled samples and the font is the
DejaVu Sans Bold that OpenCV's wheel ships: nothing is downloaded, the same seed gives the
same images.

The plates are Western formats (UK, US, French, German, with and without the EU band) and
2012-series military serials: no installed font has CJK glyphs, so Chinese civil plates are
measured on the CCPD photographs of the text corpus only.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import skimage.data
from PIL import Image, ImageDraw, ImageFont

FONT = Path(cv2.__file__).parent / "qt" / "fonts" / "DejaVuSans-Bold.ttf"
PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "stereo_motorcycle", "camera", "brick",
          "gravel")
SCENE_WIDTH = 1024
Rgb = tuple[int, int, int]
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass(frozen=True)
class PlateStyle:
    ground: Rgb
    ink: Rgb
    band: bool
    """The EU's blue band at the left."""


STYLES = (PlateStyle((245, 245, 240), (20, 20, 20), False),
          PlateStyle((245, 245, 240), (20, 20, 20), True),
          PlateStyle((250, 205, 20), (20, 20, 20), False),
          PlateStyle((250, 205, 20), (20, 20, 20), True),
          PlateStyle((20, 60, 170), (245, 245, 245), False))


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


SERIALS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"{_pick(r, _LETTERS, 2)}{_pick(r, string.digits, 2)} {_pick(r, _LETTERS, 3)}",
    lambda r: f"{_pick(r, string.digits, 1)}{_pick(r, _LETTERS, 3)}{_pick(r, string.digits, 3)}",
    lambda r: f"{_pick(r, _LETTERS, 2)}-{_pick(r, string.digits, 3)}-{_pick(r, _LETTERS, 2)}",
    lambda r: f"{_pick(r, _LETTERS, 1)} {_pick(r, _LETTERS, 2)} {_pick(r, string.digits, 4)}",
    lambda r: f"{_pick(r, _LETTERS, 2)}·{_pick(r, string.digits, 5)}",
)


@dataclass(frozen=True)
class Scene:
    name: str
    pixels: npt.NDArray[np.uint8]
    """RGB."""
    plate: tuple[int, int, int, int]
    """The plate's bounding box, [x, y, w, h]."""


def render_plate(serial: str, style: PlateStyle, height: int = 110) -> npt.NDArray[np.uint8]:
    """A flat plate (RGB): a frame, the serial centred, the band when the style has one."""
    font = ImageFont.truetype(str(FONT), int(height * 0.62))
    left, top, right, bottom = font.getbbox(serial)
    band = int(height * 0.4) if style.band else 0
    width = int(band + (right - left) + height * 0.5)
    plate = Image.new("RGB", (width, height), style.ground)
    draw = ImageDraw.Draw(plate)
    if band:
        draw.rectangle((0, 0, band, height), fill=(0, 51, 153))
    draw.rectangle((1, 1, width - 2, height - 2), outline=style.ink, width=max(2, height // 30))
    text_x = band + (width - band - (right - left)) // 2 - left
    draw.text((text_x, (height - (bottom - top)) // 2 - top), serial, font=font,
              fill=style.ink)
    return np.asarray(plate, dtype=np.uint8)


def _photo(name: str) -> npt.NDArray[np.uint8]:
    picture = getattr(skimage.data, name)()
    picture = picture[0] if isinstance(picture, tuple) else picture
    picture = np.asarray(picture, dtype=np.uint8)
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    height = round(picture.shape[0] * SCENE_WIDTH / picture.shape[1])
    return np.asarray(cv2.resize(np.ascontiguousarray(picture[:, :, :3]),
                                 (SCENE_WIDTH, height), interpolation=cv2.INTER_CUBIC),
                      dtype=np.uint8)


def place(photo: npt.NDArray[np.uint8], plate: npt.NDArray[np.uint8], rng: random.Random,
          width: int) -> tuple[npt.NDArray[np.uint8], tuple[int, int, int, int]]:
    """`plate` warped to `width` px, slanted and turned a little, pasted somewhere on a copy
    of `photo`; the copy and the plate's bounding box."""
    ph, pw = plate.shape[:2]
    height = width * ph / pw
    skew = rng.uniform(-0.12, 0.12) * height
    shear = rng.uniform(-0.15, 0.15) * height
    corners = np.array([[0, 0], [width, skew], [width, height + skew + shear],
                        [0, height + shear]], dtype=np.float32)
    corners -= corners.min(axis=0)
    box_w, box_h = (int(np.ceil(v)) + 1 for v in corners.max(axis=0))
    x = rng.randrange(0, photo.shape[1] - box_w)
    y = rng.randrange(0, photo.shape[0] - box_h)
    matrix = cv2.getPerspectiveTransform(
        np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32),
        corners + np.array([x, y], dtype=np.float32))
    size = (photo.shape[1], photo.shape[0])
    warped = cv2.warpPerspective(plate, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, size) > 127
    scene = photo.copy()
    shade = rng.uniform(0.55, 1.0)  # in the shade of the car, or at dusk
    scene[mask] = (warped[mask] * shade).astype(np.uint8)
    scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.3, 1.0)), dtype=np.uint8)
    ys, xs = np.nonzero(mask)
    return scene, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                   int(ys.max() - ys.min() + 1))


def scenes(count: int, seed: int = 15) -> Iterator[Scene]:
    rng = random.Random(seed)
    photos = {name: _photo(name) for name in PHOTOS}
    for i in range(count):
        serial = rng.choice(SERIALS)(rng)
        plate = render_plate(serial, rng.choice(STYLES))
        name = PHOTOS[i % len(PHOTOS)]
        pixels, box = place(photos[name], plate, rng, rng.randrange(40, 240))
        yield Scene(f"street_{i:03d}_{name}", pixels, box)
