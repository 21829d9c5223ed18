"""The image path's speed against its recall, lever by lever, on the shared corpora.

    python bench/image_path.py [--data ../shared/data] [--levers default,int8_text,...]

Every lever runs in a fresh process, and is the whole redaction (decode, faces, text and
plates found, painted, the residual check, re-encode; the default contract: faces and all
text) of every image of the development half on one thread, timed in CPU seconds of that
process, with the regions it painted scored as `bench/image_eval.py` scores them, on the
tuning and the held-back part (`bench/splits.py`). The ratio is each lever's images/s over
the default's in the same run; each process's peak resident memory, and what it holds at
the end, are printed beside.

Levers:
- `default`: the shipped detectors (fp32; ONNX Runtime's memory arena bounded: kept
  between calls on inputs up to 1 MP, given back after larger ones);
- `int8_text`, `int8_faces`, `int8_both`: the text detector (PP-OCRv4 DB) and CenterFace
  quantised to int8 here (static, QDQ, per-channel weights, activation ranges from the
  tuning part's images; the first convolutions and the output heads kept in fp32);
- `arena_off`: the memory arena off (every buffer a fresh allocation: the shipped setting
  until 2026-12-06);
- `arena_released`: the arena given back after every call;
- `arena_kept`: the arena on and kept between calls (sessions keep their largest buffers);
- `no_enlarge`: small images are not enlarged for the text detector (its `min_side` off);
  its recall, and the default's, is also scored on the receipts shrunk to a short side of
  256 to 448 px, where the enlargement matters.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnx
import psutil
from onnx import version_converter
from onnxruntime.quantization import (
    CalibrationDataReader,
    QuantFormat,
    QuantType,
    quantize_static,
)

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

import image_eval  # noqa: E402
import splits  # noqa: E402
from image_eval import Row, face_scores, in_part, text_scores  # noqa: E402

from airlock.image_models import image_plan  # noqa: E402
from anonymize.image import faces as face_module  # noqa: E402
from anonymize.image.codec import decode  # noqa: E402
from anonymize.image.faces import FaceFinder  # noqa: E402
from anonymize.image.pipeline import Detections, ImageRedactor, Models  # noqa: E402
from anonymize.image.sessions import Arena, Network  # noqa: E402
from anonymize.image.text_reader import TextReader  # noqa: E402
from anonymize.image.text_regions import (  # noqa: E402
    DET_MODEL,
    DetectionSettings,
    TextFinder,
    inference_size,
)
from intake.contract_format import ImageRedactionRules  # noqa: E402

LEVERS = ("default", "int8_text", "int8_faces", "int8_both", "arena_off", "arena_released",
          "arena_kept", "no_enlarge")
MAX_PIXELS = 100_000_000
A4_PIXELS = 20_000_000
SHRUNK_SIDES = (256, 320, 384, 448)


@dataclass(frozen=True)
class Lever:
    text_model: Path
    face_model: Path
    arena: Arena = "bounded"
    settings: DetectionSettings = field(default_factory=DetectionSettings)


def network(model: Path, arena: Arena) -> Network:
    return Network.load(model, 1, arena=arena)


class Recording(ImageRedactor):
    """The redactor, keeping what each image's search found (the bench's view only)."""

    found: list[Detections]

    def _find(self, pixels: Any) -> Any:
        faces, text, plates = super()._find(pixels)
        height, width = pixels.shape[:2]
        self.found.append(Detections(faces, text, plates, width, height))
        return faces, text, plates


def redactor(lever: Lever) -> Recording:
    models = Models(faces=FaceFinder(network(lever.face_model, lever.arena)),
                    text=TextFinder(network(lever.text_model, lever.arena), lever.settings),
                    reader=TextReader.load(1))
    made = Recording(image_plan(ImageRedactionRules()), models, MAX_PIXELS)
    made.found = []
    return made


def kind(row: Row) -> str:
    if row.file.startswith("ccpd"):
        return "plates"
    return "a4_scans" if row.width * row.height > A4_PIXELS else "receipts"


def run(lever: Lever, corpora: dict[str, tuple[Path, list[Row]]]) -> dict[str, Any]:
    """images/s by kind of image and recall by part, for one lever."""
    made = redactor(lever)
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    found: dict[str, Detections] = {}
    for name, (folder, rows) in corpora.items():
        made.redact((folder / rows[0].file).read_bytes())  # warm the sessions
        for row in rows:
            data = (folder / row.file).read_bytes()
            made.found.clear()
            began = time.process_time()
            made.redact(data)
            spent = time.process_time() - began
            group = "face_photos" if name == "faces" else kind(row)
            seconds[group] = seconds.get(group, 0.0) + spent
            counts[group] = counts.get(group, 0) + 1
            found[name + "/" + row.file] = made.found[0]
    result: dict[str, Any] = {"images_per_s": {g: counts[g] / seconds[g] for g in seconds}}
    for part in splits.PARTS:
        result[part] = scores(corpora, found, part)
    return result


def measured(lever: Lever, corpora: dict[str, tuple[Path, list[Row]]]) -> dict[str, Any]:
    """`run` in a fresh process, so that each lever's memory is its own."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_with_memory, lever, corpora).result()


def run_with_memory(lever: Lever, corpora: dict[str, tuple[Path, list[Row]]]
                    ) -> dict[str, Any]:
    """`run`, with this process's peak resident memory and what it still holds after."""
    result = run(lever, corpora)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["end_mb"] = psutil.Process().memory_info().rss / 2**20
    return result


def scores(corpora: dict[str, tuple[Path, list[Row]]], found: dict[str, Detections],
           part: splits.Part) -> dict[str, float]:
    out: dict[str, float] = {}
    if "faces" in corpora:
        rows = in_part(corpora["faces"][1], part)
        out["face_recall_16px"] = face_scores(
            rows, {r.file: [f.as_list() for f in found["faces/" + r.file].faces]
                   for r in rows})["recall_16px"]
    if "text_images" in corpora:
        rows = in_part(corpora["text_images"][1], part)
        out["line_recall"] = text_scores(
            rows, {r.file: [g.as_list() for g in (found["text_images/" + r.file].text
                                                  + found["text_images/" + r.file].plates)]
                   for r in rows})["line_recall"]
    return out


def shrunk_recall(lever: Lever, folder: Path, rows: list[Row], side: int) -> dict[str, float]:
    """Line recall on the receipts shrunk to a short side of `side` px."""
    made = redactor(lever)
    out = {}
    for part in splits.PARTS:
        small, found = [], {}
        for row in in_part(rows, part):
            if kind(row) != "receipts":
                continue
            pixels = decode((folder / row.file).read_bytes(), MAX_PIXELS).pixels
            scale = side / min(row.width, row.height)
            size = (round(row.width * scale), round(row.height * scale))
            pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
            small.append(replace(row, width=size[0], height=size[1],
                                 lines=[[v * scale for v in box] for box in row.lines]))
            found[row.file] = [g.as_list() for g in made.detect(
                cv2.imencode(".png", pixels[:, :, ::-1])[1].tobytes()).text]
        out[part] = text_scores(small, found)["line_recall"]
    return out


class Tensors(CalibrationDataReader):
    def __init__(self, blobs: Iterator[dict[str, np.ndarray]]) -> None:
        self._blobs = blobs

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._blobs, None)


def quantised(model: Path, out: Path, blobs: Callable[[str], Iterator[dict[str, np.ndarray]]],
              keep_first: int, keep_last: int) -> Path:
    """`model` quantised to int8 (QDQ); the first and last nodes stay fp32."""
    graph = version_converter.convert_version(onnx.load(str(model)), 17)
    for index, node in enumerate(graph.graph.node):
        node.name = node.name or f"node{index}"
    names = [node.name for node in graph.graph.node]
    named = out.with_suffix(".fp32.onnx")
    onnx.save(graph, str(named))
    quantize_static(str(named), str(out), Tensors(blobs(graph.graph.input[0].name)),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
                    nodes_to_exclude=names[:keep_first] + names[len(names) - keep_last:])
    return out


def text_blobs(folder: Path, rows: list[Row]) -> Callable[[str], Iterator[dict[str, Any]]]:
    def blobs(name: str) -> Iterator[dict[str, Any]]:
        for row in in_part(rows, "tuning"):
            pixels = decode((folder / row.file).read_bytes(), MAX_PIXELS).pixels
            h, w = inference_size(*pixels.shape[:2], DetectionSettings())
            small = cv2.resize(pixels, (w, h), interpolation=cv2.INTER_AREA)
            yield {name: np.ascontiguousarray(
                (small[:, :, ::-1].astype(np.float32) * (2 / 255) - 1).transpose(2, 0, 1)[None])}
    return blobs


def face_blobs(folder: Path, rows: list[Row]) -> Callable[[str], Iterator[dict[str, Any]]]:
    def blobs(name: str) -> Iterator[dict[str, Any]]:
        for row in in_part(rows, "tuning"):
            pixels = decode((folder / row.file).read_bytes(), MAX_PIXELS).pixels
            h, w = pixels.shape[:2]
            yield {name: cv2.dnn.blobFromImage(pixels, 1.0, (-(-w // 32) * 32, -(-h // 32) * 32),
                                               (0, 0, 0), swapRB=False)}
    return blobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--levers", default=",".join(LEVERS))
    args = parser.parse_args()
    levers = args.levers.split(",")
    corpora = {name: (args.data / name, image_eval.load(args.data / name))
               for name in ("faces", "text_images")}
    with tempfile.TemporaryDirectory() as work:
        text_int8 = face_int8 = None
        if {"int8_text", "int8_both"} & set(levers):
            text_int8 = quantised(DET_MODEL, Path(work, "text_int8.onnx"),
                                  text_blobs(*corpora["text_images"]), 6, 10)
        if {"int8_faces", "int8_both"} & set(levers):
            face_int8 = quantised(face_module.MODEL, Path(work, "faces_int8.onnx"),
                                  face_blobs(*corpora["faces"]), 2, 12)
        base = Lever(DET_MODEL, face_module.MODEL)
        chosen = {"default": base, "arena_off": replace(base, arena="off"),
                  "arena_released": replace(base, arena="released"),
                  "arena_kept": replace(base, arena="kept"),
                  "no_enlarge": replace(base, settings=DetectionSettings(min_side=0))}
        if text_int8:
            chosen["int8_text"] = replace(base, text_model=text_int8)
        if face_int8:
            chosen["int8_faces"] = replace(base, face_model=face_int8)
        if text_int8 and face_int8:
            chosen["int8_both"] = replace(base, text_model=text_int8, face_model=face_int8)
        results = {name: measured(chosen[name], corpora) for name in levers}
        if "no_enlarge" in levers:
            for name in ("default", "no_enlarge"):
                results.setdefault(name, {})["shrunk_line_recall"] = {
                    side: shrunk_recall(chosen[name], *corpora["text_images"], side)
                    for side in SHRUNK_SIDES}
    print_table(results)
    print(json.dumps(results, indent=1))


def print_table(results: dict[str, Any]) -> None:
    base = results.get("default", {}).get("images_per_s", {})
    groups = ("face_photos", "receipts", "a4_scans", "plates")
    print("lever       " + "".join(f"{g:>20}" for g in groups)
          + "   face recall t/h   line recall t/h   peak / end MB")
    for name, r in results.items():
        rates = r.get("images_per_s", {})
        cells = "".join(
            f"{rates[g]:>9.3f} ({rates[g] / base[g]:4.2f}x)" if g in rates and g in base
            else f"{'':>20}" for g in groups)
        t, h = r.get("tuning", {}), r.get("held_back", {})
        print(f"{name:<12}{cells}   {t.get('face_recall_16px', 0):.3f} "
              f"{h.get('face_recall_16px', 0):.3f}       {t.get('line_recall', 0):.4f} "
              f"{h.get('line_recall', 0):.4f}   {r.get('peak_mb', 0):>6.0f} / "
              f"{r.get('end_mb', 0):.0f}")
    shrunk = {name: r["shrunk_line_recall"] for name, r in results.items()
              if "shrunk_line_recall" in r}
    if shrunk:
        print("\nline recall on receipts shrunk to a short side of (tuning / held back):")
        print("lever       " + "".join(f"{side:>18} px" for side in SHRUNK_SIDES))
        for name, by_side in shrunk.items():
            print(f"{name:<12}" + "".join(
                f"{by_side[side]['tuning']:>11.4f} /{by_side[side]['held_back']:.4f}"
                for side in SHRUNK_SIDES))


if __name__ == "__main__":
    main()
