"""Validation step: an uploaded dataset checked in full, against its floor.

Airlock: the pipeline's validate step (`Pipeline.advance(id, only=Step.VALIDATE)`) on a
fresh instance: the raw copy decrypted from the vault and unpacked in a stream, every
entry checked (names, magic bytes, header, a full decode of every image, hashes), the
labels parsed and cross-checked, the report stored. Floor, on the same archive in the same
run: listing it with tarfile and decoding every image with PIL, single-threaded.

Usage: .venv/bin/python bench/validation.py [--items 380]
"""

from __future__ import annotations

from pathlib import Path

from bench_instance import bench_instance
from measure import Result, Row, parser, peak_rss_mb, report, timed, workspace
from synthetic import build, contract, photos_in


def list_and_decode(archive: Path) -> int:
    decoded = 0
    for image in photos_in(archive):
        image.load()
        decoded += 1
    return decoded


def main() -> None:
    args = parser(__doc__, items=380).parse_args()
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items)
        with bench_instance(work / "home", contract()) as bench:
            dataset_id = bench.upload(dataset.archive)
            validate_s, _ = timed(lambda: bench.validate(dataset_id))
            settings = bench.settings_note()
        rss = peak_rss_mb()
        floor_s, decoded = timed(lambda: list_and_decode(dataset.archive))
    assert decoded == dataset.items
    report(Result(
        name="validation", title="Validation step (unpack, check, decode every image)",
        size=f"{dataset.items} photo-like JPEGs + labels.csv, {dataset.megabytes:.0f} MB tar",
        rows=[Row("airlock: validate step (from the encrypted raw copy)", validate_s,
                  dataset.items, dataset.megabytes),
              Row("floor: tarfile listing + PIL decode of each image, 1 thread", floor_s,
                  dataset.items, dataset.megabytes)],
        peak_rss_mb=rss,
        notes=[settings, "Peak RSS: the whole process (upload and generation included)."]),
        args.results)


if __name__ == "__main__":
    main()
