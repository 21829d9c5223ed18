"""Image redaction step: every photo searched for faces and text and painted over,
against its floor, a decode and re-encode of each JPEG.

Airlock: the pipeline's anonymise step (`Pipeline.advance(id, only=Step.ANONYMISE)`) on a
validated dataset whose contract redacts images (`images: redact`, the default) and whose
caption is not free text, so the figure is about images: the raw copy decrypted and
unpacked, each image decoded, its faces and text found (CenterFace, PP-OCR's detector),
painted, checked again and re-encoded, the anonymised copy and the contact sheet encrypted
into the vault. Floor, on the same images in the same run: decoding each JPEG with PIL and
encoding it again at quality 90, single-threaded.

Usage: .venv/bin/python bench/image_redaction.py [--items 380]
"""

from __future__ import annotations

import io
from pathlib import Path

from bench_instance import bench_instance
from measure import Result, Row, parser, peak_rss_mb, report, timed, workspace
from synthetic import build, contract, photos_in


def decode_and_encode(archive: Path) -> int:
    done = 0
    for image in photos_in(archive):
        image.convert("RGB").save(io.BytesIO(), "JPEG", quality=90)
        done += 1
    return done


def main() -> None:
    args = parser(__doc__, items=380).parse_args()
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items)
        with bench_instance(work / "home", contract("{images: redact}", free_text=False)) \
                as bench:
            dataset_id = bench.upload(dataset.archive)
            bench.validate(dataset_id)
            bench.instance.image_models  # noqa: B018  (loaded before the clock starts)
            redact_s, done = timed(lambda: bench.anonymise(dataset_id))
            settings = bench.settings_note()
        rss = peak_rss_mb()
        floor_s, encoded = timed(lambda: decode_and_encode(dataset.archive))
    assert encoded == dataset.items == done.images.images
    report(Result(
        name="image_redaction", title="Image redaction step (faces and text painted over)",
        size=f"{dataset.items} photo-like JPEGs, {dataset.image_megabytes:.0f} MB of images",
        rows=[Row("airlock: anonymise step, images redacted", redact_s, dataset.items,
                  dataset.image_megabytes),
              Row("floor: PIL decode + JPEG re-encode of each image, 1 thread", floor_s,
                  dataset.items, dataset.image_megabytes)],
        peak_rss_mb=rss,
        notes=[settings,
               f"Redaction found {done.images.faces} faces and {done.images.text_regions} "
               f"text regions, flagged {done.images.flagged} images (synthetic noise photos "
               "hold neither: the figure is the cost of looking).",
               "Peak RSS: the whole process, models and the earlier steps included."]),
        args.results)


if __name__ == "__main__":
    main()
