"""ONNX Runtime sessions for the image models, set up for sharing between item threads."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def cpu_session(model: Path, threads: int) -> ort.InferenceSession:
    """One CPU session with `threads` intra-op threads: images run in parallel threads of the
    caller, each using one model thread, so ORT must not start its own pool per core.
    `run` is thread-safe, so one session serves every thread."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False  # input sizes vary per image: do not keep the peak
    options.log_severity_level = 3
    return ort.InferenceSession(str(model), sess_options=options,
                                providers=["CPUExecutionProvider"])
