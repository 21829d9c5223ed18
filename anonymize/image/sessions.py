"""The image models' inference, on the runtime that ran each fastest at unchanged outputs
(`bench/image_path.py`): the text detector and reader on OpenVINO, the face models on ONNX
Runtime. One instance of each serves all item threads."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import openvino as ov

Precision = Literal["f32", "bf16"]
Arena = Literal["bounded", "off"]
"""ONNX Runtime's memory arena: kept between calls on inputs up to `KEEP_BELOW` and given
back after larger ones (shipped), or off."""

KEEP_BELOW = 3 * 2**20
"""Input values (a 1 MP image's three channels) up to which a call's buffers stay in ONNX
Runtime's arena for the next call. Face photos, receipts and plates stay under it and
reuse their buffers; an A4 scan's peak is not kept."""


class Network(Protocol):
    """A model as the detectors call it; one per process, shared by the item threads."""

    @property
    def input_name(self) -> str: ...

    def run(self, outputs: Sequence[str] | None, feeds: Mapping[str, npt.NDArray[Any]]
            ) -> list[npt.NDArray[np.float32]]:
        """The named outputs (all, in the model's order, for None) for these inputs."""


_OPENVINO = threading.Lock()
"""Held by every call into OpenVINO. Two threads calling at once, each on its own infer
request, deadlocked inside OpenVINO's Python binding (both in its tensor code) about once in
thirty runs; one call at a time never did."""


class OpenVinoNetwork:
    """One model compiled for the CPU. On one thread OpenVINO in f32 ran the text detector
    1.4 to 2 times as fast as ONNX Runtime, and the reader twice as fast, with the same
    outputs. bf16 (CPUs with AMX or AVX512_BF16) was faster still but lost text lines and
    faces, so f32 is the default.

    Calls run one at a time in the process (`_OPENVINO`), each on `threads` threads, so the
    item threads' text detection still has every core."""

    def __init__(self, compiled: ov.CompiledModel) -> None:
        self._compiled = compiled
        self._request = compiled.create_infer_request()
        self._input_name: str = compiled.inputs[0].get_any_name()
        self._outputs = {output.get_any_name(): output for output in compiled.outputs}

    @classmethod
    def load(cls, model: Path, threads: int, precision: Precision = "f32"
             ) -> OpenVinoNetwork:
        """`threads`: how many threads each call runs on (the item threads' count)."""
        core = ov.Core()
        return cls(core.compile_model(core.read_model(model), "CPU", {
            "INFERENCE_PRECISION_HINT": precision,
            "NUM_STREAMS": 1,
            "INFERENCE_NUM_THREADS": max(1, threads),
            "ENABLE_CPU_PINNING": False,
        }))

    @property
    def input_name(self) -> str:
        return self._input_name

    def run(self, outputs: Sequence[str] | None, feeds: Mapping[str, npt.NDArray[Any]]
            ) -> list[npt.NDArray[np.float32]]:
        wanted = self._compiled.outputs if outputs is None else [
            self._outputs[name] for name in outputs]
        with _OPENVINO:
            results = self._request.infer(dict(feeds))
            # Copied out: the request reuses its output buffers on the next call.
            return [np.array(results[output], dtype=np.float32) for output in wanted]


class OrtNetwork:
    """One model's ONNX Runtime session; `run` is thread-safe, so one serves every thread.
    Without the arena every buffer of every call was a fresh mapping of zeroed pages, and
    the page faults cost up to a quarter of an image's time; with the arena kept, a worker
    held its largest call's peak (2.3 GB after A4 scans). Bounded, it was faster than the
    arena off on every kind of image, at the same peak."""

    def __init__(self, session: ort.InferenceSession, arena: Arena) -> None:
        self.session = session
        self._input_name: str = session.get_inputs()[0].name
        self._arena = arena
        self._release = ort.RunOptions()
        self._release.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    @classmethod
    def load(cls, model: Path, arena: Arena = "bounded") -> OrtNetwork:
        """One intra-op thread: images run in parallel threads of the caller, each using one
        model thread, so ONNX Runtime must not start its own pool per core."""
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = arena != "off"
        options.log_severity_level = 3
        return cls(ort.InferenceSession(str(model), sess_options=options,
                                        providers=["CPUExecutionProvider"]), arena)

    @property
    def input_name(self) -> str:
        return self._input_name

    def run(self, outputs: Sequence[str] | None, feeds: Mapping[str, npt.NDArray[Any]]
            ) -> list[npt.NDArray[np.float32]]:
        large = sum(v.size for v in feeds.values()) > KEEP_BELOW
        options = self._release if self._arena == "bounded" and large else None
        return list(self.session.run(None if outputs is None else list(outputs), dict(feeds),
                                     options))
