"""Datasets and lookups the client's upload tests share: folders of incompressible images
a contract accepts, their digest as the client packs them, the server's open uploads, and a
client's end awaited."""

from __future__ import annotations

import hashlib
import io
import random
import signal
import subprocess
from pathlib import Path

import httpx
import pytest
from PIL import Image

from airlock_client.pack import FolderTar
from tests.client.conftest import World
from tests.client.folders import write_folder
from tests.intake.datasets import dataset_files
from vocabulary import Layout


def noise_jpeg(seed: int, width: int = 640, height: int = 480) -> bytes:
    """A JPEG of noise: it does not compress, so a few of them make many parts."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def noisy_folder(root: Path, images: int) -> Path:
    """A VOC dataset the contract accepts, of about `images` x 0.5 MiB."""
    files = dataset_files(Layout.VOC, count=images)
    for n, name in enumerate(sorted(n for n in files if n.endswith(".jpg"))):
        files[name] = noise_jpeg(n)
    return write_folder(root, files)


def folder_digest(root: Path) -> str:
    packed = FolderTar(root)
    return hashlib.sha256(packed.read(0, packed.size)).hexdigest()


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def open_uploads(world: World, sha256: str, url: str | None = None) -> list[dict[str, object]]:
    found: list[dict[str, object]] = httpx.get(
        f"{url or world.url}/v1/uploads", params={"sha256": sha256, "state": "open"},
        headers=world.auth, timeout=30).json()
    return found


def finished(process: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """The stdout and stderr of a client that must end within `timeout` seconds; one that
    hangs is aborted and the test fails with the stacks of its threads (PYTHONFAULTHANDLER)."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, stderr = process.communicate(timeout=30)
        pytest.fail(f"the client still ran after {timeout:g} s:\n{stderr[-6000:]}")
