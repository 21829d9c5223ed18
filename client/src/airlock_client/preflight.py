"""Pre-flight: send a dataset's manifest and get the server's report before uploading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airlock_client.api import Api
from airlock_client.errors import ApiError
from airlock_client.manifest import manifest_entries, manifest_lines


def run_preflight(api: Api, contract: str, source: Path) -> dict[str, Any]:
    """The server's validation report (`kind: "preflight"`) of `source`, a folder or an
    archive, under `contract`.

    Every file is hashed before the request starts: the server cuts off a body that trickles,
    and hashing tens of gigabytes could take longer than it waits. The lines stay in memory
    (a few hundred bytes an image, plus the label files), never on disk: labels are
    personal data."""
    lines = list(manifest_lines(manifest_entries(source)))
    response = api.request("POST", "/v1/preflight", params={"contract": contract},
                           content=iter(lines),
                           headers={"Content-Type": "application/x-ndjson"})
    report = response.json()
    if not isinstance(report, dict):
        raise ApiError(response.status_code, "the pre-flight answer is not a report")
    return report
