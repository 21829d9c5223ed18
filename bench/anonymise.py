"""Anonymising a dataset: the whole step (raw copy decrypted and unpacked, labels and file
names rewritten, anonymised copy encrypted into the vault) against its floor, PII detection
alone on the same texts in the same process.

The captions are real sentences from the shared corpora (zh_ner and en_pii, development
half), two per item, every caption distinct; images are small JPEGs, so the figure is
about labels. The step runs
with 1 worker (in process) and with one worker process per core.

Usage: .venv/bin/python bench/anonymise.py [--data ../shared/data] [--items 3000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

CONTRACT = """name: bench
purpose: benchmarking the anonymisation step
layout: {kind: csv_manifest, manifest: labels.csv}
volume: {min_items: 1}
labels: {fields: [{name: caption, free_text: true}]}
anonymisation: {mode: deidentify, images: keep}
"""


def captions(data: Path, count: int) -> list[str]:
    """Sentences of both corpora, less those intake would refuse as spreadsheet formulas."""
    from intake.labels import is_formula

    texts: list[str] = []
    for name in ("zh_ner.jsonl", "en_pii.jsonl"):
        texts += [text for line in (data / name).read_text().splitlines() if line.strip()
                  if not is_formula(text := json.loads(line)["text"])]
    # Distinct captions (a label set rarely repeats itself): two sentences each.
    size = len(texts)
    return [f"{texts[i % size]} {texts[(i // size * 31 + i * 7 + 3) % size]}"
            for i in range(count)]


def dataset(texts: list[str]) -> bytes:
    import tarfile

    from PIL import Image

    buffer = io.BytesIO()
    manifest = io.StringIO(newline="")
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["image", "label", "caption"])
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for n, text in enumerate(texts):
            picture = io.BytesIO()  # noise: solid colours can compress to the same bytes
            Image.frombytes("RGB", (16, 16), random.Random(n).randbytes(768)).save(picture, "JPEG")
            info = tarfile.TarInfo(f"images/img{n:06d}.jpg")
            info.size = picture.tell()
            picture.seek(0)
            tar.addfile(info, picture)
            writer.writerow([info.name, "sample", text])
        data = manifest.getvalue().encode()
        info = tarfile.TarInfo("labels.csv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def run_step(archive: bytes, workers: int) -> tuple[float, dict[str, int]]:
    from airlock.admin import new_tenant
    from airlock.anonymisation import anonymise
    from airlock.instance import Instance, init_instance
    from airlock.settings import Settings
    from audit import SYSTEM
    from intake import add_contract, receive_upload, validate_dataset

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), anonymise_workers=workers)
        init_instance(settings)
        instance = Instance(settings)
        with instance.transaction(SYSTEM) as tx:
            new_tenant(tx, "bench")
            contract, _ = add_contract(tx, "bench", CONTRACT)
        uploaded = receive_upload(instance.transactions(SYSTEM), instance.vault, contract,
                                  io.BytesIO(archive), len(archive) + 1)
        checked = validate_dataset(instance.transactions(SYSTEM), instance.vault, uploaded.id,
                                   instance.validation_options())
        if checked.outcome != "accepted":
            raise SystemExit(f"the generated dataset was rejected: {checked.rules}")
        start = time.perf_counter()
        report = anonymise(instance, SYSTEM, uploaded.id)
        elapsed = time.perf_counter() - start
        instance.dispose()
    return elapsed, report.entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--items", type=int, default=3000)
    args = parser.parse_args()
    from airlock.pii_engine import PiiEngineLoader

    texts = captions(args.data, args.items)
    archive = dataset(texts)
    engine = PiiEngineLoader()()
    engine.detect(texts[:16])
    start = time.perf_counter()
    engine.detect(list(dict.fromkeys(texts)))  # the job analyses each distinct text once
    floor = time.perf_counter() - start
    print(f"{args.items} items, {len(set(texts))} distinct captions, "
          f"{len(archive) / 1e6:.1f} MB archive")
    print(f"{'detection alone, 1 process':32} {args.items / floor:8.1f} items/s   1.00x")
    cores = os.cpu_count() or 1
    for workers in sorted({1, cores}):
        elapsed, entities = run_step(archive, workers)
        print(f"{f'anonymise step, {workers} worker(s)':32} {args.items / elapsed:8.1f} items/s"
              f"   {floor / elapsed:.2f}x   ({sum(entities.values())} replacements)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {peak:.0f} MB, largest worker process {children:.0f} MB")


if __name__ == "__main__":
    main()
