"""Upload step: the archive streamed, encrypted, into the vault, against its floors.

Airlock: intake's `receive_upload` on a fresh instance (local vault): read in 1 MiB
chunks, SHA-256, Tink streaming AEAD, durable write, the dataset and its raw copy
registered. Floors, on the same archive in the same run: reading it and its SHA-256, and
one-shot AES-256-GCM of its bytes (read once, encrypted in 64 MiB pieces, not written).
Each is the fastest of three runs (each upload makes a new dataset).

Usage: .venv/bin/python bench/upload.py [--items 380]
"""

from __future__ import annotations

import hashlib
import os

from bench_instance import bench_instance
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from measure import Result, Row, fastest, parser, peak_rss_mb, report, workspace
from synthetic import build, contract

MIB = 1024 * 1024
PIECE = 64 * MIB
RUNS = 3


def read_and_hash(path: os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def one_shot_aes(path: os.PathLike[str]) -> int:
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    written = 0
    with open(path, "rb") as source:
        while piece := source.read(PIECE):
            written += len(aead.encrypt(os.urandom(12), piece, None))
    return written


def main() -> None:
    args = parser(__doc__, items=380).parse_args()
    with workspace(args.dir) as work:
        dataset = build(work / "dataset.tar", args.items)
        size = dataset.megabytes
        with bench_instance(work / "home", contract()) as bench:
            upload_s = fastest(lambda: bench.upload(dataset.archive), RUNS)
        rss = peak_rss_mb()  # before the floors' 64 MiB pieces
        hash_s = fastest(lambda: read_and_hash(dataset.archive), RUNS)
        aes_s = fastest(lambda: one_shot_aes(dataset.archive), RUNS)
    report(Result(
        name="upload", title="Upload step (encrypted streaming into the vault)",
        size=f"{dataset.items} photo-like JPEGs + labels.csv, {size:.0f} MB tar",
        rows=[Row("airlock: receive_upload (local vault, durable)", upload_s, dataset.items,
                  size),
              Row("floor: read + SHA-256", hash_s, dataset.items, size),
              Row("floor: one-shot AES-256-GCM (64 MiB pieces, no write)", aes_s,
                  dataset.items, size)],
        peak_rss_mb=rss,
        notes=["Peak RSS: the whole process, dataset generation included, before the "
               "floors ran.",
               "The files were just written, so reads come from the page cache; the upload "
               "also fsyncs its ciphertext."]), args.results)


if __name__ == "__main__":
    main()
