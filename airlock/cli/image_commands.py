"""`airlock image ...`: the dataset pipeline's image redaction, on files and folders."""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import ValidationError

from airlock.cli.errors import AirlockGroup
from airlock.cli.output import errors
from airlock.cli.progress import item_bars
from intake.contract_format import (
    FaceRedaction,
    ImageRedactionRules,
    ImageRules,
    PlateRedaction,
    TextRedaction,
)
from intake.images import IMAGE_EXTENSIONS
from vocabulary import FaceModel, FaceShape, RedactionMethod, ResidualHandling, TextScope

image_app = typer.Typer(cls=AirlockGroup, no_args_is_help=True,
                        help="Find and redact faces, licence plates and text in images; "
                             "strip metadata.")
T = TypeVar("T")
_DEFAULTS = ImageRedactionRules()
_LIMITS = ImageRules()

Faces = Annotated[bool, typer.Option("--faces/--no-faces", help="Redact faces.")]
FaceMethod = Annotated[RedactionMethod, typer.Option(help="How faces are painted over.")]
FaceShapeOption = Annotated[FaceShape, typer.Option(help="Shape painted over a face.")]
FaceModelOption = Annotated[FaceModel, typer.Option(
    help="Face detector: centerface (WIDER FACE-trained) or blazeface (not; fewer faces).")]
FaceMargin = Annotated[float, typer.Option(help="Margin on each side of a face, as a fraction "
                                                "of its size.")]
Plates = Annotated[bool, typer.Option("--plates/--no-plates",
                                      help="Redact licence plates (whatever --text says).")]
PlateMethod = Annotated[RedactionMethod, typer.Option(help="How plates are painted over.")]
Text = Annotated[TextScope, typer.Option(help="Which text: all, personal (read and checked "
                                              "for personal information) or none.")]
TextMethod = Annotated[RedactionMethod, typer.Option(help="How text is painted over.")]
TextMargin = Annotated[float, typer.Option(help="Margin around text, as a fraction.")]
Residual = Annotated[ResidualHandling, typer.Option(
    help="What the detectors still find on the output: redo (paint again) or flag.")]
Workers = Annotated[int, typer.Option(min=1, max=64, help="Images processed in parallel "
                                                          "(default: CPU count).")]
MaxPixels = Annotated[int, typer.Option(min=1, help="Largest image accepted, in pixels "
                                                    "(checked before decoding).")]


def _rules(faces: bool, face_method: RedactionMethod, face_shape: FaceShape,
           face_model: FaceModel, face_margin: float, plates: PlateRedaction, text: TextScope,
           text_method: RedactionMethod, text_margin: float, residual: ResidualHandling
           ) -> ImageRedactionRules:
    try:
        return ImageRedactionRules(
            faces=FaceRedaction(enabled=faces, method=face_method, shape=face_shape,
                                model=face_model, margin=face_margin),
            plates=plates,
            text=TextRedaction(scope=text, method=text_method, margin=text_margin),
            residual=residual)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise typer.BadParameter(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") \
            from None


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > _LIMITS.max_file_bytes:
        raise ValueError(f"{size} bytes; the largest image accepted is "
                         f"{_LIMITS.max_file_bytes}")
    return path.read_bytes()


def _parallel(work: Callable[[Path], T], paths: list[Path], workers: int,
              ) -> Iterator[tuple[Path, T | Exception]]:
    """Results in input order; a failing file gives its exception, the rest go on."""
    def guarded(path: Path) -> T | Exception:
        try:
            return work(path)
        except (ValueError, OSError) as exc:
            return exc

    # A window of futures, not executor.map: results are held only `2 * workers` deep.
    with ThreadPoolExecutor(workers) as executor:
        window: deque[tuple[Path, Future[T | Exception]]] = deque()
        for path in paths:
            window.append((path, executor.submit(guarded, path)))
            if len(window) >= 2 * workers:
                head, future = window.popleft()
                yield head, future.result()
        while window:
            head, future = window.popleft()
            yield head, future.result()


@image_app.command("detect")
def detect(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False,
                                                help="Image files.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines: {\"file\", \"faces\", "
                                                         "\"plates\", \"text\"} boxes as "
                                                         "[x, y, w, h]; \"text\" holds every "
                                                         "text region painted, plates "
                                                         "included.")]
    = False,
    faces: Faces = True, face_model: FaceModelOption = _DEFAULTS.faces.model,
    face_margin: FaceMargin = _DEFAULTS.faces.margin,
    plates: Plates = _DEFAULTS.plates.enabled,
    text: Text = _DEFAULTS.text.scope, text_margin: TextMargin = _DEFAULTS.text.margin,
    workers: Workers = os.cpu_count() or 1, max_pixels: MaxPixels = _LIMITS.max_pixels,
) -> None:
    """The regions that redaction would paint over (margins included), in pixels of the
    upright image."""
    from airlock.image_models import ImageModels, image_plan
    from airlock.pii_engine import PiiEngineLoader

    rules = _rules(faces, _DEFAULTS.faces.method, _DEFAULTS.faces.shape, face_model,
                   face_margin, PlateRedaction(enabled=plates), text, _DEFAULTS.text.method,
                   text_margin, _DEFAULTS.residual)
    redactor = ImageModels(PiiEngineLoader(), workers).redactor(image_plan(rules), max_pixels)
    failed = 0
    for path, found in _parallel(lambda p: redactor.detect(_read(p)), files, workers):
        if isinstance(found, Exception):
            failed += 1
            errors.print(f"{path}: {found}")
            continue
        record = {"file": str(path), "faces": [r.as_list() for r in found.faces],
                  "plates": [r.as_list() for r in found.plates],
                  # Plates are text too for a reader of "text" that knows no plates.
                  "text": [r.as_list() for r in found.text + found.plates]}
        typer.echo(json.dumps(record) if as_json else
                   f"{path}: {len(found.faces)} faces, {len(found.plates)} plates, "
                   f"{len(found.text)} text regions")
    if failed:
        raise typer.Exit(1)


def _inputs(source: Path, target: Path) -> list[tuple[Path, Path]]:
    if source.is_file():
        return [(source, target / source.name if target.is_dir() else target)]
    return [(p, target / p.relative_to(source)) for p in sorted(source.rglob("*"))
            if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS]


@image_app.command("redact")
def redact(
    source: Annotated[Path, typer.Argument(exists=True, help="An image or a folder of them "
                                                             "(read recursively).")],
    target: Annotated[Path, typer.Argument(help="The output file, or folder: same names and "
                                                "formats.")],
    faces: Faces = True, face_method: FaceMethod = _DEFAULTS.faces.method,
    face_shape: FaceShapeOption = _DEFAULTS.faces.shape,
    face_model: FaceModelOption = _DEFAULTS.faces.model,
    face_margin: FaceMargin = _DEFAULTS.faces.margin,
    plates: Plates = _DEFAULTS.plates.enabled,
    plate_method: PlateMethod = _DEFAULTS.plates.method,
    text: Text = _DEFAULTS.text.scope, text_method: TextMethod = _DEFAULTS.text.method,
    text_margin: TextMargin = _DEFAULTS.text.margin, residual: Residual = _DEFAULTS.residual,
    workers: Workers = os.cpu_count() or 1, max_pixels: MaxPixels = _LIMITS.max_pixels,
) -> None:
    """Faces, licence plates and text painted over, metadata stripped, orientation applied;
    the residual check's flags are printed at the end."""
    from airlock.image_models import ImageModels, image_plan
    from airlock.pii_engine import PiiEngineLoader

    rules = _rules(faces, face_method, face_shape, face_model, face_margin,
                   PlateRedaction(enabled=plates, method=plate_method), text, text_method,
                   text_margin, residual)
    redactor = ImageModels(PiiEngineLoader(), workers).redactor(image_plan(rules), max_pixels)
    if source.is_dir() and target.is_file():
        raise typer.BadParameter("the source is a folder, so the target must be one too")
    pairs = _inputs(source, target)
    if source.is_dir():
        target.mkdir(parents=True, exist_ok=True)
    outputs = dict(pairs)
    totals = {"images": 0, "faces": 0, "plates": 0, "text": 0, "flagged": 0, "failed": 0}
    with item_bars() as progress:
        task = progress.add_task("redacting", total=len(pairs))
        for path, done in _parallel(lambda p: redactor.redact(_read(p)), list(outputs),
                                    workers):
            progress.advance(task)
            if isinstance(done, Exception):
                totals["failed"] += 1
                errors.print(f"{path}: {done}")
                continue
            out = outputs[path]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(done.data)
            totals["images"] += 1
            totals["faces"] += done.faces
            totals["plates"] += done.plates
            totals["text"] += done.text
            if done.flagged:
                totals["flagged"] += 1
                errors.print(f"{path}: flagged: the residual check still finds "
                             f"{done.residual_faces} faces and {done.residual_text} text "
                             "regions")
    errors.print(f"{totals['images']} images redacted: {totals['faces']} faces, "
                 f"{totals['plates']} plates, {totals['text']} text regions; "
                 f"{totals['flagged']} flagged, {totals['failed']} failed")
    if totals["failed"]:
        raise typer.Exit(1)
