"""The canonical JSON that Airlock signs (certificates, receipts): one definition, which the
verifiers (Python, and the console's script) rebuild byte for byte.

UTF-8 of `json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
allow_nan=False)`: keys sorted by code point, no whitespace, non-ASCII as itself, only `"`,
`\\` and control characters escaped, integers in full."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()
