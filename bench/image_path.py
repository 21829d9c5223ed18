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
- `default`: as shipped: the text detector and reader on OpenVINO in f32, the face model on
  ONNX Runtime with its memory arena bounded (kept between calls on inputs up to 1 MP,
  given back after larger ones); faces searched whole up to a tile's pixels;
- `openvino_bf16`: the text detector and the face model on OpenVINO in bf16 (CPUs with AMX
  or AVX512_BF16);
- `openvino_f32`: the face model on OpenVINO in f32 as well;
- `onnxruntime`: every model on ONNX Runtime with its arena bounded (shipped on
  2026-12-06, with faces then tiled from a side of 1,536 px);
- `onnxruntime_arena_off`: every model on ONNX Runtime with the memory arena off (shipped
  when the scale-out issue was filed: the baseline of its 3x target and of the ratios);
- `no_enlarge`: small images are not enlarged for the text detector (its `min_side` off);
  its recall, and the default's, is also scored on the receipts shrunk to a short side of
  256 to 448 px, where the enlargement matters;
- `no_residual_check` and `openvino_bf16_no_residual_check`: a ceiling, not a candidate.
  The output is not searched again, so the residual check's cost is gone and the first
  pass alone is timed; what is found, and so recall, is the first pass's. No lever that
  keeps the first pass's detectors, sizes and precision can be faster than the first.

The face tiling of the `onnxruntime` levers is today's: the levers compare runtimes, the
tiling's own gain is in the default's receipts and A4 scans.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import cv2
import psutil

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

import image_eval  # noqa: E402
import splits  # noqa: E402
from image_eval import Row, face_scores, in_part, text_scores  # noqa: E402

from airlock.image_models import image_plan  # noqa: E402
from anonymize.image import faces as face_module  # noqa: E402
from anonymize.image.codec import decode  # noqa: E402
from anonymize.image.faces import FaceFinder  # noqa: E402
from anonymize.image.pipeline import Detections, ImageRedactor, Models  # noqa: E402
from anonymize.image.sessions import (  # noqa: E402
    Arena,
    Network,
    OpenVinoNetwork,
    OrtNetwork,
    Precision,
)
from anonymize.image.text_reader import REC_MODEL, TextReader  # noqa: E402
from anonymize.image.text_regions import DET_MODEL, DetectionSettings, TextFinder  # noqa: E402
from intake.contract_format import ImageRedactionRules  # noqa: E402

Runtime = Literal["default", "openvino_bf16", "openvino_f32", "onnxruntime",
                  "onnxruntime_arena_off"]
MAX_PIXELS = 100_000_000
A4_PIXELS = 20_000_000
SHRUNK_SIDES = (256, 320, 384, 448)
BASELINE = "onnxruntime_arena_off"


@dataclass(frozen=True)
class Lever:
    runtime: Runtime = "default"
    settings: DetectionSettings = field(default_factory=DetectionSettings)
    residual_check: bool = True


LEVERS = {"default": Lever(), "openvino_bf16": Lever("openvino_bf16"),
          "openvino_f32": Lever("openvino_f32"), "onnxruntime": Lever("onnxruntime"),
          BASELINE: Lever(BASELINE), "no_enlarge": Lever(settings=DetectionSettings(min_side=0)),
          "no_residual_check": Lever(residual_check=False),
          "openvino_bf16_no_residual_check": Lever("openvino_bf16", residual_check=False)}


def networks(runtime: Runtime) -> tuple[Network, Network, Network]:
    """The face model, the text detector and the text reader's model."""
    if runtime.startswith("onnxruntime"):
        arena: Arena = "off" if runtime == BASELINE else "bounded"
        return (OrtNetwork.load(face_module.MODEL, arena), OrtNetwork.load(DET_MODEL, arena),
                OrtNetwork.load(REC_MODEL, arena))
    reader = OpenVinoNetwork.load(REC_MODEL, 1)
    if runtime == "default":
        return OrtNetwork.load(face_module.MODEL), OpenVinoNetwork.load(DET_MODEL, 1), reader
    precision: Precision = "bf16" if runtime == "openvino_bf16" else "f32"
    return (OpenVinoNetwork.load(face_module.MODEL, 1, precision),
            OpenVinoNetwork.load(DET_MODEL, 1, precision), reader)


class Recording(ImageRedactor):
    """The redactor, keeping what each image's search found (the bench's view only)."""

    found: list[Detections]
    residual_check: bool

    def _find(self, pixels: Any) -> Any:
        faces, text, plates = super()._find(pixels)
        height, width = pixels.shape[:2]
        self.found.append(Detections(faces, text, plates, width, height))
        return faces, text, plates

    def _residual(self, pixels: Any, painted: Any) -> Any:
        return super()._residual(pixels, painted) if self.residual_check else []


def redactor(lever: Lever) -> Recording:
    faces, text, reader = networks(lever.runtime)
    models = Models(faces=FaceFinder(faces), text=TextFinder(text, lever.settings),
                    reader=TextReader.load(network=reader))
    made = Recording(image_plan(ImageRedactionRules()), models, MAX_PIXELS)
    made.found = []
    made.residual_check = lever.residual_check
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--levers", default=",".join(LEVERS))
    args = parser.parse_args()
    levers = args.levers.split(",")
    corpora = {name: (args.data / name, image_eval.load(args.data / name))
               for name in ("faces", "text_images")}
    results = {name: measured(LEVERS[name], corpora) for name in levers}
    if "no_enlarge" in levers:
        for name in ("default", "no_enlarge"):
            results.setdefault(name, {})["shrunk_line_recall"] = {
                side: shrunk_recall(LEVERS[name], *corpora["text_images"], side)
                for side in SHRUNK_SIDES}
    print_table(results)
    print(json.dumps(results, indent=1))


def print_table(results: dict[str, Any]) -> None:
    base = results.get(BASELINE, results.get("default", {})).get("images_per_s", {})
    groups = ("face_photos", "receipts", "a4_scans", "plates")
    print(f"images/s (x: over {BASELINE if BASELINE in results else 'default'})")
    print(f"{'lever':<22}" + "".join(f"{g:>20}" for g in groups)
          + "   face recall t/h   line recall t/h   peak / end MB")
    for name, r in results.items():
        rates = r.get("images_per_s", {})
        cells = "".join(
            f"{rates[g]:>9.3f} ({rates[g] / base[g]:4.2f}x)" if g in rates and g in base
            else f"{'':>20}" for g in groups)
        t, h = r.get("tuning", {}), r.get("held_back", {})
        print(f"{name:<22}{cells}   {t.get('face_recall_16px', 0):.3f} "
              f"{h.get('face_recall_16px', 0):.3f}       {t.get('line_recall', 0):.4f} "
              f"{h.get('line_recall', 0):.4f}   {r.get('peak_mb', 0):>6.0f} / "
              f"{r.get('end_mb', 0):.0f}")
    shrunk = {name: r["shrunk_line_recall"] for name, r in results.items()
              if "shrunk_line_recall" in r}
    if shrunk:
        print("\nline recall on receipts shrunk to a short side of (tuning / held back):")
        print(f"{'lever':<22}" + "".join(f"{side:>18} px" for side in SHRUNK_SIDES))
        for name, by_side in shrunk.items():
            print(f"{name:<22}" + "".join(
                f"{by_side[side]['tuning']:>11.4f} /{by_side[side]['held_back']:.4f}"
                for side in SHRUNK_SIDES))


if __name__ == "__main__":
    main()
