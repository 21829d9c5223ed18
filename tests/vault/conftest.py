"""Fixtures shared by the vault tests: each backend together with a probe into its storage.

The S3 fixtures (s3_server, s3_client, s3_bucket) come from the tests.s3server plugin, which
the root conftest loads.
"""

from pathlib import Path

import pytest

from tests.vault.storage_probes import BackendUnderTest, LocalProbe, S3Probe
from vault import LocalBackend, S3Backend


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> BackendUnderTest:
    if request.param == "local":
        root = tmp_path / "vault"
        return BackendUnderTest(LocalBackend(root), LocalProbe(root))
    client = request.getfixturevalue("s3_client")
    bucket = request.getfixturevalue("s3_bucket")
    return BackendUnderTest(
        S3Backend(client, bucket, prefix="airlock"), S3Probe(client, bucket, "airlock/")
    )
