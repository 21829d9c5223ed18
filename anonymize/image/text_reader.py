"""What the found text says: PP-OCRv4 recognition from the installed rapidocr.

Needed only for the contract option that redacts personal text alone (`TextScope.PERSONAL`):
the pipeline passes each line's text to the PII engine. The recogniser is rapidocr's own
(`TextRecognizer`: batching by width, CTC decoding with the alphabet stored in the model),
with its network run on OpenVINO in f32: twice as fast as rapidocr's ONNX Runtime session on
receipts' lines with the same readings (bf16, four and a half times as fast, changed one
reading in twenty-four, and readings decide what is personal). Cropping is done here from
the full-resolution input, not the detector's reduced copy, so small print keeps every pixel
it has.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt
from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

from anonymize.image.regions import Pixels
from anonymize.image.sessions import Network, OpenVinoNetwork
from anonymize.image.text_regions import MODEL_DIR, Polygon, TextLine

REC_MODEL = MODEL_DIR / "ch_PP-OCRv4_rec_infer.onnx"
LINE_HEIGHT = 48
"""The recogniser's input height (rapidocr's `rec_img_shape` [3, 48, 320])."""


class TextReader:
    """Reads detected lines; built once per process and shared by threads (the recogniser
    keeps no per-call state and the network serves several threads)."""

    def __init__(self, recognizer: TextRecognizer, min_score: float) -> None:
        self._recognizer = recognizer
        self.min_score = min_score

    @classmethod
    def load(cls, threads: int = 1, batch: int = 4, min_score: float = 0.5,
             network: Network | None = None) -> TextReader:
        """`batch` lines are recognised per model call, sorted by width. On one model thread
        2-6 was fastest (measured on receipts: 35 lines/s at 4, 27 at 8, 19 at 16: every line
        of a batch is padded to the widest), with the same readings. A reading whose mean
        character confidence is below `min_score` (rapidocr's `text_score`) is unreadable.
        rapidocr opens its own session to read the alphabet; `network` (default: the model
        on OpenVINO for `threads` item threads) replaces it."""
        recognizer = TextRecognizer({
            "model_path": str(REC_MODEL),
            "rec_img_shape": [3, LINE_HEIGHT, 320],
            "rec_batch_num": batch,
            "intra_op_num_threads": 1,
            "inter_op_num_threads": 1,
            "use_cuda": False,
            "use_dml": False,
        })
        recognizer.session = _Session(network or OpenVinoNetwork.load(REC_MODEL, threads))
        return cls(recognizer, min_score)

    def read(self, pixels: Pixels, lines: Sequence[TextLine]) -> list[str]:
        """The text of each line, in the order given; "" where nothing could be read."""
        crops = [crop_line(pixels, line.polygon) for line in lines]
        readable = [i for i, crop in enumerate(crops) if crop is not None]
        texts = [""] * len(lines)
        if not readable:
            return texts
        results, _ = self._recognizer([crops[i] for i in readable])
        for i, (text, score) in zip(readable, results, strict=True):
            if score >= self.min_score:
                texts[i] = str(text).strip()
        return texts


class _Session:
    """rapidocr's session as its recogniser calls it: a batch in, the outputs out."""

    def __init__(self, network: Network) -> None:
        self._network = network

    def __call__(self, batch: npt.NDArray[np.float32]) -> list[npt.NDArray[np.float32]]:
        return self._network.run(None, {self._network.input_name: batch})


def crop_line(pixels: Pixels, polygon: Polygon) -> np.ndarray | None:
    """The line straightened to a horizontal BGR strip at most LINE_HEIGHT tall (rapidocr's
    `get_rotate_crop_image`); None when it has no area. A crop 1.5 times taller than wide is
    a vertical line (top-to-bottom script, a rotated label) and is turned a quarter left."""
    width = int(max(np.linalg.norm(polygon[0] - polygon[1]),
                    np.linalg.norm(polygon[2] - polygon[3])))
    height = int(max(np.linalg.norm(polygon[0] - polygon[3]),
                     np.linalg.norm(polygon[1] - polygon[2])))
    if width < 1 or height < 1:
        return None
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(np.asarray(polygon, dtype=np.float32), target)
    crop = cv2.warpPerspective(pixels, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
    if height / width >= 1.5:
        crop = np.rot90(crop)
    crop_h, crop_w = crop.shape[:2]
    if crop_h > LINE_HEIGHT:
        # Shrink by area averaging here: the recogniser's own bilinear resize would skip rows
        # of a line from a 300-dpi scan and lose thin strokes.
        new_w = max(1, round(crop_w * LINE_HEIGHT / crop_h))
        crop = cv2.resize(crop, (new_w, LINE_HEIGHT), interpolation=cv2.INTER_AREA)
    # The model was trained on BGR (cv2-decoded) images.
    return np.ascontiguousarray(crop[:, :, ::-1])
