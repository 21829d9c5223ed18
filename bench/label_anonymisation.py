"""Label anonymisation step: captions with names and phone numbers de-identified, against
its floor, PII detection alone, and Presidio out of the box.

Airlock: the pipeline's anonymise step (`Pipeline.advance(id, only=Step.ANONYMISE)`) on a
validated dataset whose contract keeps the images (`images: keep`), so the figure is about
labels: the raw copy decrypted and unpacked, every caption analysed and rewritten, file
names checked, the anonymised copy encrypted into the vault. The images are 32 x 24 px.
In the same run, on the same captions:
- floor: parsing the label file (csv);
- Airlock's PII detection alone (its engine's `detect`, this process);
- Presidio's AnalyzerEngine + AnonymizerEngine with their defaults (spaCy en_core_web_sm).

Usage: .venv/bin/python bench/label_anonymisation.py [--items 2000]
"""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

from bench_instance import bench_instance
from measure import Result, Row, parser, peak_rss_mb, report, timed, workspace
from presidio_default import presidio_analyzer
from synthetic import MANIFEST, THUMBNAIL, build, contract


def label_file(archive: Path) -> bytes:
    with tarfile.open(archive) as tar:
        source = tar.extractfile(MANIFEST)
        assert source is not None
        return source.read()


def parse(labels: bytes) -> list[str]:
    return [row["caption"] for row in csv.DictReader(io.StringIO(labels.decode("utf-8")))]


def presidio(captions: list[str]) -> tuple[float, int]:
    """Seconds to anonymise every caption, and the entities Presidio replaced."""
    from presidio_anonymizer import AnonymizerEngine

    analyzer, anonymizer = presidio_analyzer(), AnonymizerEngine()  # type: ignore[no-untyped-call]
    analyzer.analyze(captions[0], language="en")  # loaded before the clock starts

    def run() -> int:
        replaced = 0
        for text in captions:
            found = analyzer.analyze(text, language="en")
            # Presidio's two packages each declare their own RecognizerResult.
            replaced += len(anonymizer.anonymize(text, found).items)  # type: ignore[arg-type]
        return replaced
    return timed(run)


def main() -> None:
    args = parser(__doc__, items=2000).parse_args()
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items, size=THUMBNAIL)
        labels = label_file(dataset.archive)
        megabytes = len(labels) / 1e6
        parse_s, captions = timed(lambda: parse(labels))
        with bench_instance(work / "home", contract("{mode: deidentify, images: keep}")) \
                as bench:
            dataset_id = bench.upload(dataset.archive)
            bench.validate(dataset_id)
            engine = bench.instance.pii_engine()
            engine.detect(captions[:16])  # the models load before the clocks start
            anonymise_s, done = timed(lambda: bench.anonymise(dataset_id))
            detect_s, _ = timed(lambda: engine.detect(captions))
            settings = bench.settings_note()
        rss = peak_rss_mb()
        presidio_s, presidio_found = presidio(captions)
    report(Result(
        name="label_anonymisation", title="Label anonymisation step (captions de-identified)",
        size=f"{dataset.items} items, captions with a name and a phone number each "
             f"(half English, half Chinese), {megabytes:.2f} MB of labels",
        rows=[Row("airlock: anonymise step, labels only (images kept)", anonymise_s,
                  dataset.items, megabytes),
              Row("floor: parse the label file (csv)", parse_s, dataset.items, megabytes),
              Row("airlock's PII detection alone (engine.detect)", detect_s, dataset.items,
                  megabytes),
              Row("competitor: Presidio Analyzer+Anonymizer defaults", presidio_s,
                  dataset.items, megabytes)],
        peak_rss_mb=rss,
        notes=[settings,
               f"Airlock replaced {sum(done.entities.values())} entities "
               f"({', '.join(f'{k} {v}' for k, v in sorted(done.entities.items()))}); "
               f"Presidio {presidio_found} (it has no Chinese model: it reads Chinese as "
               "English).",
               "MB/s: of the label file. Peak RSS: this process, before Presidio loaded."]),
        args.results)


if __name__ == "__main__":
    main()
