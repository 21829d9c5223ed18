"""Intake benchmark: upload + validation throughput and memory, against `tar -x` + SHA-256.

Generates a dataset of distinct JPEG photos-like images plus a CSV manifest, packs it as a
tar, and in the same run measures:
- baseline: `tar -x` of the archive into a folder plus `sha256sum` of the archive;
- Airlock: `airlock upload ARCHIVE --contract bench` (encrypted streaming upload into the
  local vault, then full validation: unpack, magic bytes, header, full decode, hashes,
  labels, volume), in a subprocess whose peak RSS is read from the kernel.
Run at two sizes (default 0.1 GB and 1 GB) to show memory stays flat as data grows.

Usage: .venv/bin/python bench/intake.py [--sizes-mb 100 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from PIL import Image

CONTRACT = """\
name: bench
purpose: benchmark of intake throughput
layout: {kind: csv_manifest, manifest: labels.csv, image_field: image, class_field: label}
images: {formats: [jpeg]}
volume: {classes: [cat, dog, bird, car], min_items: 1}
labels: {fields: [{name: caption, free_text: true}]}
"""
CLASSES = ("cat", "dog", "bird", "car")
AIRLOCK = str(Path(sys.executable).parent / "airlock")
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def photo(rng: random.Random, width: int = 800, height: int = 600) -> bytes:
    """A JPEG with gradients and noise: compresses and decodes like a photo (~120 KB)."""
    noise = Image.effect_noise((width, height), rng.uniform(20, 40))
    red = Image.linear_gradient("L").resize((width, height)).rotate(rng.uniform(0, 360))
    blue = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", (red, noise, blue))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(85, 95))
    return buffer.getvalue()


def build_archive(target: Path, megabytes: int, seed: int = 7) -> tuple[int, int]:
    """Write a tar of images/NNNNNN.jpg + labels.csv of about `megabytes` MB."""
    rng = random.Random(seed)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["image", "label", "caption"])
    size = count = 0
    with tarfile.open(target, "w") as tar:
        while size < megabytes * 1_000_000:
            data = photo(rng)
            name = f"images/{count:06d}.jpg"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            writer.writerow([name, rng.choice(CLASSES), f"photo number {count}"])
            size += len(data)
            count += 1
        body = manifest.getvalue().encode()
        info = tarfile.TarInfo("labels.csv")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return count, target.stat().st_size


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def baseline(archive: Path, work: Path) -> float:
    out = work / "extracted"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    env = dict(os.environ)
    return run(["tar", "-xf", str(archive), "-C", str(out)], env) + \
        run(["sha256sum", str(archive)], env)


def airlock_upload(archive: Path, work: Path) -> tuple[float, int]:
    """Seconds for `airlock upload` and its peak RSS in MB (a fresh instance each time)."""
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRLOCK_")}
    env["AIRLOCK_HOME"] = str(home)
    contract = work / "contract.yaml"
    contract.write_text(CONTRACT)
    run([AIRLOCK, "init"], env)
    run([AIRLOCK, "tenant", "create", "bench"], env)
    run([AIRLOCK, "contract", "add", str(contract), "--tenant", "bench"], env)
    # A fresh parent per measurement, so RUSAGE_CHILDREN holds the upload's peak alone.
    rss_file = work / "rss"
    seconds = run([sys.executable, "-c", MEASURE, str(rss_file), AIRLOCK, "upload", str(archive),
                   "--contract", "bench", "--tenant", "bench", "--json"], env)
    return seconds, int(rss_file.read_text()) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--keep", type=Path, help="Keep the generated archives here.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="airlock-bench-intake-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for megabytes in args.sizes_mb:
            archive = work / f"dataset-{megabytes}mb.tar"
            if not archive.exists():
                t0 = time.perf_counter()
                count, _ = build_archive(archive, megabytes)
                print(f"generated {archive.name}: {count} images in "
                      f"{time.perf_counter() - t0:.0f} s", flush=True)
            size_mb = archive.stat().st_size / 1e6
            base = baseline(archive, work)
            seconds, rss = airlock_upload(archive, work)
            rows.append((megabytes, size_mb, size_mb / base, size_mb / seconds, rss))
            print(f"{size_mb:8.0f} MB  tar -x + sha256: {size_mb / base:6.0f} MB/s   "
                  f"airlock upload + validation: {size_mb / seconds:6.0f} MB/s   "
                  f"ratio {base / seconds:.2f}   peak RSS {rss} MB", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    small, large = rows[0], rows[-1]
    growth = large[4] / small[4] - 1
    ratio = large[3] / large[2]
    print(f"SUMMARY {'PASS' if ratio >= 0.5 and growth <= 0.10 else 'MISS'}: "
          f"upload+validation at {ratio:.2f}x of tar -x + sha256 on {large[1]:.0f} MB "
          f"(target >= 0.5); peak RSS {small[4]} MB at {small[1]:.0f} MB and {large[4]} MB "
          f"at {large[1]:.0f} MB ({growth:+.0%}, target <= +10%)")


if __name__ == "__main__":
    main()
