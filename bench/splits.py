"""The development half, split once into a tuning part and a held-back part.

Detectors are tuned on the tuning part only; the held-back part is scored, never read, while
tuning, and a change is kept only if it helps on both. A record or image belongs to the
held-back part when the SHA-256 of ``SALT + its id`` (its file name, for images) falls in the
lowest ``HELD_BACK_PERCENT`` of the hash space: the split is fixed, needs no list, and does
not move when records are added.

    python bench/splits.py write OUT_DIR [--data ../shared/data]

writes ``OUT_DIR/{tuning,held_back}/`` with the text corpora and the image folders (images
as symbolic links, outside the repository), so that the shared scorers can run on one part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

Part = Literal["tuning", "held_back"]
PARTS: tuple[Part, ...] = ("tuning", "held_back")
SALT = "airlock-dev-split-v1:"
HELD_BACK_PERCENT = 35
TEXT_CORPORA = ("zh_ner.jsonl", "en_pii.jsonl")
IMAGE_FOLDERS = ("faces", "text_images")


def part_of(key: str) -> Part:
    digest = hashlib.sha256((SALT + key).encode()).digest()
    return "held_back" if int.from_bytes(digest[:8], "big") % 100 < HELD_BACK_PERCENT \
        else "tuning"


def text_records(path: Path, part: Part | None = None) -> list[dict[str, object]]:
    """The records of a labelled JSON Lines corpus, or those of one part of it."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    return [r for r in records if part is None or part_of(str(r["id"])) == part]


def image_rows(folder: Path, part: Part | None = None) -> list[dict[str, object]]:
    """The rows of an image folder's ``boxes.jsonl``, or those of one part of it."""
    rows = [json.loads(line) for line in
            (folder / "boxes.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if part is None or part_of(str(r["file"])) == part]


def _write_lines(path: Path, rows: Iterable[dict[str, object]]) -> int:
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def write(data: Path, out: Path) -> None:
    for part in PARTS:
        target = out / part
        target.mkdir(parents=True, exist_ok=True)
        for corpus in TEXT_CORPORA:
            n = _write_lines(target / corpus, text_records(data / corpus, part))
            print(f"{part:9} {corpus:16} {n:5} records")
        for name in IMAGE_FOLDERS:
            folder = target / name
            folder.mkdir(exist_ok=True)
            rows = image_rows(data / name, part)
            for row in rows:
                link = folder / str(row["file"])
                if not link.exists():
                    link.symlink_to((data / name / str(row["file"])).resolve())
            n = _write_lines(folder / "boxes.jsonl", rows)
            print(f"{part:9} {name + '/':16} {n:5} images")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="Write both parts as files the shared scorers read.")
    w.add_argument("out", type=Path)
    w.add_argument("--data", type=Path,
                   default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    write(args.data.resolve(), args.out)


if __name__ == "__main__":
    main()
