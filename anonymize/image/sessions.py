"""ONNX Runtime sessions for the image models, set up for sharing between item threads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

Arena = Literal["bounded", "released", "kept", "off"]
"""ONNX Runtime's memory arena: kept between calls on inputs up to `KEEP_BELOW` and given
back after larger ones (shipped); given back after every call; kept; or off."""

KEEP_BELOW = 3 * 2**20
"""Input values (a 1 MP image's three channels) up to which a call's buffers stay in the
arena for the next call. Face photos, receipts and plates stay under it and reuse their
buffers; an A4 scan's peak is not kept."""


class Network:
    """One model's CPU session. Without the arena every buffer of every call was a fresh
    mapping of zeroed pages, and the page faults cost up to a quarter of an image's time;
    with the arena kept, a worker held its largest call's peak (2.3 GB after A4 scans).
    Bounded, it was faster than the arena off on every kind of image, and than an arena
    given back after every call on small ones, at the same peak as off and with half of
    off's memory held afterwards (`bench/image_path.py`)."""

    def __init__(self, session: ort.InferenceSession, arena: Arena = "bounded") -> None:
        self.session = session
        self.input_name: str = session.get_inputs()[0].name
        self._arena = arena
        self._release = ort.RunOptions()
        self._release.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    @classmethod
    def load(cls, model: Path, threads: int, *, arena: Arena = "bounded") -> Network:
        """`threads` intra-op threads: images run in parallel threads of the caller, each
        using one model thread, so ORT must not start its own pool per core. `run` is
        thread-safe, so one session serves every thread."""
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = arena != "off"
        options.log_severity_level = 3
        return cls(ort.InferenceSession(str(model), sess_options=options,
                                        providers=["CPUExecutionProvider"]), arena)

    def run(self, outputs: Sequence[str] | None, feeds: Mapping[str, npt.NDArray[Any]]
            ) -> list[npt.NDArray[np.float32]]:
        return list(self.session.run(None if outputs is None else list(outputs), dict(feeds),
                                     self._options(feeds)))

    def _options(self, feeds: Mapping[str, npt.NDArray[Any]]) -> ort.RunOptions | None:
        if self._arena == "released":
            return self._release
        if self._arena == "bounded" and sum(v.size for v in feeds.values()) > KEEP_BELOW:
            return self._release
        return None
