"""Image redaction against its peers, on the shared corpora, in one run.

    python bench/image_eval.py [--data ../shared/data] [--only faces|text_images]

faces/, on the whole development half and on its tuning and held-back parts
(bench/splits.py) in the same run: face recall (a labelled face is found when a box has IoU
>= 0.5 with it or covers >= 70% of it; faces >= 16 px and all sizes), false positives per
image (boxes overlapping no labelled face), the output pixels (inside each labelled face,
the high-pass correlation of original and output must fall below 0.3), and throughput:
Airlock's `airlock image redact --text none --no-plates` (faces only) against deface's CLI
on the same images (on each of its two backends; the faster is the baseline), all timed as
whole commands (start-up included), best of three interleaved runs, and the ratio (on the
whole half); then the search curve: recall, false positives and images/s as each step of
the face search is added, and BlazeFace alone and fused with CenterFace.
text_images/: on the development half, its tuning part and its held-back part
(bench/splits.py): text-line recall (the union of what is painted, text and plates, covers
>= 70% of a line), plates painted (the same on the CCPD plates), plates found as plates (the
plate boxes cover >= 70% of the plate), plate boxes on receipts (false plates), output pixels
(lines and plates), images/s with and without the plate search, for Airlock and for
Tesseract (the engine presidio-image-redactor runs), when the `tesseract` program is
installed. Synthetic street images (bench/street_plates.py): plates found as plates and
their detail gone, with the text scope `all` and `none`.
The figures are computed as ../shared/tools/eval_images.py computes them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

# The repository before bench/ on the path: this checkout's packages, not an installed copy.
sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

import splits  # noqa: E402
from street_plates import scenes  # noqa: E402

from airlock.image_models import ImageModels, image_plan  # noqa: E402
from airlock.pii_engine import PiiEngineLoader  # noqa: E402
from anonymize.image import Detections  # noqa: E402
from anonymize.image.blazeface import BlazeFace  # noqa: E402
from anonymize.image.faces import FaceFinder, FaceParams, FaceSearch  # noqa: E402
from anonymize.image.regions import Region, non_max_suppression  # noqa: E402
from intake.contract_format import (  # noqa: E402
    ImageRedactionRules,
    PlateRedaction,
    TextRedaction,
)
from vocabulary import TextScope  # noqa: E402

Box = Sequence[float]
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Row:
    file: str
    width: int
    height: int
    faces: list[Box]
    lines: list[Box]


def load(folder: Path) -> list[Row]:
    rows = []
    for line in (folder / "boxes.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(Row(r["file"], r["width"], r["height"], r.get("boxes", []),
                            [g["box"] for g in r.get("regions", [])]))
    return rows


def overlap(a: Box, b: Box) -> tuple[float, float]:
    """IoU of a and b, and the share of a that b covers."""
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / max(1e-9, a[2] * a[3] + b[2] * b[3] - inter), inter / max(1e-9, a[2] * a[3])


def union_cover(line: Box, boxes: Sequence[Box], height: int, width: int) -> float:
    mask = np.zeros((height, width), np.uint8)
    for b in boxes:
        x, y, w, h = (int(v) for v in b)
        mask[max(0, y):max(0, y + h), max(0, x):max(0, x + w)] = 1
    x, y, w, h = (int(v) for v in line)
    crop = mask[max(0, y):y + h, max(0, x):x + w]
    return float(crop.mean()) if crop.size else 0.0


def face_scores(rows: list[Row], found: dict[str, list[Box]], min_size: int = 16
                ) -> dict[str, float]:
    hit = total = hit_all = total_all = fp = 0
    for r in rows:
        boxes = found.get(r.file, [])
        for g in r.faces:
            ok = any(overlap(g, f)[0] >= 0.5 or overlap(g, f)[1] >= 0.7 for f in boxes)
            total_all += 1
            hit_all += ok
            if min(g[2], g[3]) >= min_size:
                total += 1
                hit += ok
        fp += sum(not any(overlap(g, f)[0] >= 0.1 or overlap(f, g)[1] >= 0.3 for g in r.faces)
                  for f in boxes)
    return {"recall_16px": hit / max(1, total), "recall_all": hit_all / max(1, total_all),
            "fp_per_image": fp / max(1, len(rows)), "faces_16px": total,
            "faces_all": total_all}


def text_scores(rows: list[Row], found: dict[str, list[Box]]) -> dict[str, float]:
    lines = hit = plates = plates_hit = 0
    for r in rows:
        covered = [union_cover(g, found.get(r.file, []), r.height, r.width) >= 0.7
                   for g in r.lines]
        if r.file.startswith("ccpd"):
            plates += len(covered)
            plates_hit += sum(covered)
        else:
            lines += len(covered)
            hit += sum(covered)
    return {"line_recall": hit / max(1, lines), "lines": lines, "plates_found": plates_hit,
            "plates": plates}


def highpass(img: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return g - cv2.GaussianBlur(g, (0, 0), 1.5)


def detail_gone(original: Path, output: Path, boxes: Sequence[Box]) -> list[bool]:
    a_img, b_img = cv2.imread(str(original)), cv2.imread(str(output))
    if a_img is None or b_img is None or a_img.shape != b_img.shape:
        return [False] * len(boxes)
    ha, hb = highpass(a_img), highpass(b_img)
    gone = []
    for box in boxes:
        x, y, w, h = (max(0, int(v)) for v in box)
        a, b = ha[y:y + h, x:x + w].ravel(), hb[y:y + h, x:x + w].ravel()
        if a.size < 4 or a.std() < 1e-3 or b.std() < 1e-3:
            gone.append(True)
            continue
        gone.append(float(np.corrcoef(a, b)[0, 1]) < 0.3)
    return gone


def pixel_share(rows: list[Row], src: Path, out: Callable[[str], Path | None],
                faces: bool, min_size: int = 16) -> float:
    good = total = 0
    for r in rows:
        boxes = [b for b in (r.faces if faces else r.lines) if not faces
                 or min(b[2], b[3]) >= min_size]
        target = out(r.file)
        checks = detail_gone(src / r.file, target, boxes) if target else [False] * len(boxes)
        good += sum(checks)
        total += len(checks)
    return good / max(1, total)


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{command[0]} failed: {done.stderr[-1500:]}")
    return time.perf_counter() - began


ROUNDS = 3
"""Each command runs this many times; its best time counts."""
DEFACE_BACKENDS = ("opencv", "onnxrt")
"""deface's two CPU backends; the baseline is whichever is faster in this run (with `onnx`
installed deface picks onnxrt, which runs deface's fixed-size export slower than OpenCV)."""


def deface_cli(src: Path, out: Path, backend: str) -> float:
    """Seconds for deface's CLI to anonymise the images of `src` into `out`, same names."""
    work = out.with_name(out.name + "-in")
    shutil.copytree(src, work)
    seconds = timed([str(VENV_BIN / "deface"), "--backend", backend, str(work)])
    out.mkdir()
    for f in work.glob("*_anonymized.*"):
        f.rename(out / f.name.replace("_anonymized", ""))
    return seconds


def deface_boxes(folder: Path, rows: list[Row]) -> dict[str, list[Box]]:
    """What deface's CLI blurs, with its defaults: threshold 0.2, mask scale 1.3."""
    from deface.centerface import CenterFace

    net = CenterFace(backend="opencv")
    found: dict[str, list[Box]] = {}
    for r in rows:
        rgb = cv2.cvtColor(cv2.imread(str(folder / r.file)), cv2.COLOR_BGR2RGB)
        dets, _ = net(rgb, threshold=0.2)
        boxes = []
        for x1, y1, x2, y2, _score in dets:
            w, h = (x2 - x1) * 1.3, (y2 - y1) * 1.3
            boxes.append([(x1 + x2) / 2 - w / 2, (y1 + y2) / 2 - h / 2, w, h])
        found[r.file] = boxes
    return found


def tesseract_boxes(folder: Path, rows: list[Row]) -> tuple[dict[str, list[Box]], float]:
    """Line boxes from Tesseract's TSV output (level 4 = text line)."""
    found: dict[str, list[Box]] = {}
    began = time.perf_counter()
    for r in rows:
        tsv = subprocess.run(["tesseract", str(folder / r.file), "-", "tsv"],
                             capture_output=True, text=True, check=False).stdout
        boxes = []
        for line in tsv.splitlines()[1:]:
            cells = line.split("\t")
            if len(cells) >= 12 and cells[0] == "5" and cells[11].strip():
                boxes.append([float(c) for c in cells[6:10]])
        found[r.file] = boxes
    return found, len(rows) / (time.perf_counter() - began)


PARTS = ("dev", *splits.PARTS)
"""The whole development half, then its tuning and held-back parts (bench/splits.py)."""


def in_part(rows: list[Row], part: str) -> list[Row]:
    return rows if part == "dev" else [r for r in rows if splits.part_of(r.file) == part]


class Fused:
    """CenterFace and BlazeFace together: the union of their faces, one box per face."""

    def __init__(self, first: FaceSearch, second: FaceSearch, overlap: float = 0.3) -> None:
        self._first, self._second, self._overlap = first, second, overlap

    def find(self, pixels: npt.NDArray[np.uint8]) -> list[Region]:
        return non_max_suppression(self._first.find(pixels) + self._second.find(pixels),
                                   self._overlap)


def curve_steps() -> list[tuple[str, Callable[[], Any]]]:
    """The face search as its steps are added, then the other detector alone."""
    upscaled = FaceParams(upscale=2.0)
    return [
        ("first pass 0.5, no second look", lambda: FaceFinder.load(
            params=FaceParams(candidate=0.5))),
        ("first pass 0.2 (deface's threshold), no second look", lambda: FaceFinder.load(
            params=FaceParams(candidate=0.2, confident=0.2))),
        ("default: candidates 0.2, second look below 0.5", FaceFinder.load),
        ("+ a pass enlarged x2 (images within a tile)", lambda: FaceFinder.load(
            params=upscaled)),
        ("+ BlazeFace fused (union, NMS 0.3)", lambda: Fused(
            FaceFinder.load(params=upscaled), BlazeFace.load())),
        ("default + BlazeFace fused, no enlarged pass", lambda: Fused(
            FaceFinder.load(), BlazeFace.load())),
        ("BlazeFace alone (faces.model: blazeface)", BlazeFace.load),
    ]


def faces_curve(folder: Path, rows: list[Row]) -> list[dict[str, Any]]:
    """Recall, false positives and speed of the face search as its steps are added, on
    each part."""
    pixels = [cv2.cvtColor(cv2.imread(str(folder / r.file)), cv2.COLOR_BGR2RGB) for r in rows]
    margin = ImageRedactionRules().faces.margin
    curve = []
    for name, load in curve_steps():
        finder = load()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(finder.find, pixels[:2]))
            began = time.perf_counter()
            found = list(pool.map(finder.find, pixels))
            rate = len(rows) / (time.perf_counter() - began)
        boxes = {r.file: [f.expanded(margin).as_list() for f in faces]
                 for r, faces in zip(rows, found, strict=True)}
        curve.append({"search": name, "images_per_s": rate,
                      **{part: face_scores(in_part(rows, part), boxes) for part in PARTS}})
    return curve


def faces_report(folder: Path) -> dict[str, Any]:
    rows = load(folder)
    # Faces only, like deface: no text, and no plate search (which needs the text detector).
    faces_only = ImageRedactionRules(text=TextRedaction(scope=TextScope.NONE),
                                     plates=PlateRedaction(enabled=False))
    found, rate = detect_all(folder, rows, faces_only)
    ours = {r.file: [face.as_list() for face in f.faces] for r, f in zip(rows, found, strict=True)}
    theirs = deface_boxes(folder, rows)
    with tempfile.TemporaryDirectory() as tmp:
        src, a_out, d_out = Path(tmp, "in"), Path(tmp, "airlock"), Path(tmp, "deface")
        src.mkdir()
        for r in rows:
            shutil.copy(folder / r.file, src)
        deface_runs: dict[str, list[float]] = {backend: [] for backend in DEFACE_BACKENDS}
        airlock_runs: list[float] = []
        for round_ in range(ROUNDS):  # interleaved: the machine's load drifts over a run
            for backend in DEFACE_BACKENDS:
                deface_runs[backend].append(
                    deface_cli(src, Path(tmp, f"deface-{backend}-{round_}"), backend))
            airlock_runs.append(timed([str(VENV_BIN / "airlock"), "image", "redact", "--text",
                                       "none", "--no-plates", str(src),
                                       str(Path(tmp, f"airlock-{round_}"))]))
        fastest = min(deface_runs, key=lambda backend: min(deface_runs[backend]))
        deface_s, airlock_s = min(deface_runs[fastest]), min(airlock_runs)
        Path(tmp, f"deface-{fastest}-0").rename(d_out)
        Path(tmp, "airlock-0").rename(a_out)
        parts = {}
        for part in PARTS:
            subset = in_part(rows, part)
            parts[part] = {
                "images": len(subset),
                "airlock": {**face_scores(subset, ours), **pixel_shares(
                    subset, src, lambda f: a_out / f)},
                "deface": {**face_scores(subset, theirs), **pixel_shares(
                    subset, src, lambda f: d_out / f)}}
    return {
        "images": len(rows),
        "parts": parts,
        "airlock": {"detect_images_per_s": rate, "redact_cli_seconds": airlock_s,
                    "redact_cli_images_per_s": len(rows) / airlock_s},
        "deface": {"redact_cli_seconds": deface_s,
                   "redact_cli_images_per_s": len(rows) / deface_s,
                   "cli_seconds_per_backend": deface_runs, "fastest_backend": fastest},
        "throughput_ratio_airlock_over_deface": deface_s / airlock_s,
        "curve": faces_curve(folder, rows),
    }


def pixel_shares(rows: list[Row], src: Path, out: Callable[[str], Path | None]
                 ) -> dict[str, float]:
    """Detail gone from faces >= 16 px and from faces of every size."""
    return {"detail_gone_16px": pixel_share(rows, src, out, faces=True),
            "detail_gone_all": pixel_share(rows, src, out, faces=True, min_size=0)}


STREET_SCENES = 60
"""Synthetic street images, one plate each (bench/street_plates.py)."""


def is_plate_image(row: Row) -> bool:
    return row.file.startswith("ccpd")


def plate_scores(rows: list[Row], plates: dict[str, list[Box]]) -> dict[str, float]:
    """Plates found as plates (their boxes cover >= 70% of the labelled plate) and plate
    boxes on images with no plate (the receipts)."""
    total = found = false = 0
    for r in rows:
        boxes = plates.get(r.file, [])
        if is_plate_image(r):
            total += len(r.lines)
            found += sum(union_cover(g, boxes, r.height, r.width) >= 0.7 for g in r.lines)
        else:
            false += len(boxes)
    return {"plates_as_plates": found, "false_plates_on_receipts": false}


def detect_all(folder: Path, rows: list[Row], rules: ImageRedactionRules
               ) -> tuple[list[Detections], float]:
    """Every image's detections, and images/s (models loaded before the clock starts)."""
    redactor = ImageModels(PiiEngineLoader()).redactor(image_plan(rules), 100_000_000)
    data = [(folder / r.file).read_bytes() for r in rows]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(redactor.detect, data[:2]))
        began = time.perf_counter()
        found = list(pool.map(redactor.detect, data))
        seconds = time.perf_counter() - began
    return found, len(rows) / seconds


def part_scores(folder: Path, rows: list[Row], found: list[Detections], painted_out: Path
                ) -> dict[str, Any]:
    """One part's figures; `painted_out` holds the redacted images, same names."""
    painted = {r.file: [g.as_list() for g in f.text + f.plates]
               for r, f in zip(rows, found, strict=True)}
    plates = {r.file: [g.as_list() for g in f.plates] for r, f in zip(rows, found, strict=True)}
    receipts = [r for r in rows if not is_plate_image(r)]
    plate_rows = [r for r in rows if is_plate_image(r)]
    return {"images": len(rows), **text_scores(rows, painted), **plate_scores(rows, plates),
            "detail_gone_lines": pixel_share(receipts, folder, lambda f: painted_out / f,
                                             faces=False),
            "detail_gone_plates": pixel_share(plate_rows, folder, lambda f: painted_out / f,
                                              faces=False)}


def street_report(count: int = STREET_SCENES) -> dict[str, Any]:
    """Plates found as plates on synthetic street images, and their detail gone after
    redaction, with the text scope `all` and `none`."""
    models = ImageModels(PiiEngineLoader())
    made = list(scenes(count))
    encoded = [cv2.imencode(".png", s.pixels[:, :, ::-1])[1].tobytes() for s in made]
    report: dict[str, Any] = {"images": count}
    for scope in (TextScope.ALL, TextScope.NONE):
        rules = ImageRedactionRules(text=TextRedaction(scope=scope))
        redactor = models.redactor(image_plan(rules), 100_000_000)
        found = gone = 0
        for scene, data in zip(made, encoded, strict=True):
            detected = redactor.detect(data)
            found += union_cover(scene.plate, [p.as_list() for p in detected.plates],
                                 *scene.pixels.shape[:2]) >= 0.7
            out = cv2.imdecode(np.frombuffer(redactor.redact(data).data, np.uint8),
                               cv2.IMREAD_COLOR)
            gone += _detail_gone_pixels(scene.pixels[:, :, ::-1], out, scene.plate)
        report[scope.value] = {"plates_as_plates": found / count, "detail_gone": gone / count}
    return report


def _detail_gone_pixels(original: npt.NDArray[np.uint8], output: npt.NDArray[np.uint8],
                        box: Box) -> bool:
    x, y, w, h = (max(0, int(v)) for v in box)
    a = highpass(np.ascontiguousarray(original))[y:y + h, x:x + w].ravel()
    b = highpass(output)[y:y + h, x:x + w].ravel()
    if a.size < 4 or a.std() < 1e-3 or b.std() < 1e-3:
        return True
    return float(np.corrcoef(a, b)[0, 1]) < 0.3


def text_report(folder: Path) -> dict[str, Any]:
    rows = load(folder)
    parts = {part: in_part(rows, part) for part in PARTS}
    found, rate = detect_all(folder, rows, ImageRedactionRules())
    _, rate_no_plates = detect_all(
        folder, rows, ImageRedactionRules(plates=PlateRedaction(enabled=False)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "airlock")
        seconds = timed([str(VENV_BIN / "airlock"), "image", "redact", str(folder), str(out)])
        by_file = dict(zip((r.file for r in rows), found, strict=True))
        report: dict[str, Any] = {
            name: part_scores(folder, subset, [by_file[r.file] for r in subset], out)
            for name, subset in parts.items()}
    report["airlock"] = {"detect_images_per_s": rate,
                         "detect_images_per_s_without_plates": rate_no_plates,
                         "plate_search_speed_ratio": rate / rate_no_plates,
                         "redact_cli_images_per_s": len(rows) / seconds}
    report["street"] = street_report()
    if shutil.which("tesseract"):
        theirs, t_rate = tesseract_boxes(folder, rows)
        report["tesseract"] = {**text_scores(rows, theirs), "detect_images_per_s": t_rate}
        report["detect_speed_ratio_airlock_over_tesseract"] = rate / t_rate
    else:
        report["tesseract"] = "skipped: the tesseract program is not installed"
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--only", choices=("faces", "text_images"),
                        help="Run one section (default: both).")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    result: dict[str, Any] = {}
    if args.only in (None, "faces"):
        result["faces"] = faces_report(args.data / "faces")
    if args.only in (None, "text_images"):
        result["text_images"] = text_report(args.data / "text_images")
    print(json.dumps(result, indent=2, default=lambda v: round(v, 4)))
    print_table(result)


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_table(result: dict[str, Any]) -> None:
    if "faces" in result:
        print_faces(result["faces"])
    if "text_images" in result:
        print_text(result["text_images"])


def print_faces(faces: dict[str, Any]) -> None:
    print("\nfaces              part       recall>=16px  recall(all)  FP/image  detail gone>=16px"
          "  detail gone(all)")
    for part, scores in faces["parts"].items():
        for name in ("airlock", "deface"):
            f = scores[name]
            print(f"{name:18} {part:10} {_fmt(f['recall_16px']):>12}  "
                  f"{_fmt(f['recall_all']):>11}  {_fmt(f['fp_per_image']):>8}  "
                  f"{_fmt(f['detail_gone_16px']):>17}  {_fmt(f['detail_gone_all']):>16}")
    print(f"redact CLI images/s: airlock {_fmt(faces['airlock']['redact_cli_images_per_s'])}, "
          f"deface {_fmt(faces['deface']['redact_cli_images_per_s'])}; throughput ratio "
          f"(airlock / deface on its faster backend, {faces['deface']['fastest_backend']}; "
          f"whole commands): {_fmt(faces['throughput_ratio_airlock_over_deface'])}")
    print("\nface search curve                                     images/s   "
          + "   ".join(f"{part}: recall>=16px recall(all) FP/image" for part in PARTS))
    for point in faces["curve"]:
        cells = "   ".join(f"{_fmt(point[part]['recall_16px']):>12} "
                           f"{_fmt(point[part]['recall_all']):>11} "
                           f"{_fmt(point[part]['fp_per_image']):>8}" for part in PARTS)
        print(f"{point['search']:53} {_fmt(point['images_per_s']):>8}   {cells}")


def print_text(text: dict[str, Any]) -> None:
    print("\ntext_images   images  line recall  plates painted  plates as plates  "
          "false plates  detail gone (lines, plates)")
    for part in PARTS:
        t = text[part]
        print(f"{part:13} {t['images']:>6}  {_fmt(t['line_recall']):>11}  "
              f"{t['plates_found']:>8}/{t['plates']:<5}  {t['plates_as_plates']:>10}/"
              f"{t['plates']:<5}  {t['false_plates_on_receipts']:>12}  "
              f"{_fmt(t['detail_gone_lines'])}, {_fmt(t['detail_gone_plates'])}")
    a = text["airlock"]
    print(f"airlock detect images/s: {_fmt(a['detect_images_per_s'])} with the plate search, "
          f"{_fmt(a['detect_images_per_s_without_plates'])} without (ratio "
          f"{_fmt(a['plate_search_speed_ratio'])}); redact CLI "
          f"{_fmt(a['redact_cli_images_per_s'])} images/s")
    street = text["street"]
    for scope in (TextScope.ALL, TextScope.NONE):
        print(f"street images ({street['images']}, synthetic), text {scope.value}: plates as "
              f"plates {_fmt(street[scope.value]['plates_as_plates'])}, detail gone "
              f"{_fmt(street[scope.value]['detail_gone'])}")
    t = text["tesseract"]
    if isinstance(t, str):
        print(f"tesseract: {t}")
    else:
        print(f"tesseract (dev): line recall {_fmt(t['line_recall'])}, plates "
              f"{t['plates_found']}/{t['plates']}, {_fmt(t['detect_images_per_s'])} images/s")


if __name__ == "__main__":
    main()
