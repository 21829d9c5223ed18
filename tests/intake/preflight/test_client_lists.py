"""The light client sends as images, by size and digest only, exactly what the server takes
for images by name."""

from __future__ import annotations

from airlock_client.manifest import IMAGE_EXTENSIONS as CLIENT_IMAGE_EXTENSIONS
from intake.images import IMAGE_EXTENSIONS


def test_the_client_and_the_server_name_the_same_image_extensions() -> None:
    assert CLIENT_IMAGE_EXTENSIONS == IMAGE_EXTENSIONS
