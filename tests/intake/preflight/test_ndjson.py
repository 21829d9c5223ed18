"""The manifest's wire format: any input is a valid parse or a clean ManifestError."""

from __future__ import annotations

import base64
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.preflight import (
    ManifestBounds,
    ManifestError,
    ManifestRecord,
    ManifestTooLargeError,
    read_manifest,
)

BOUNDS = ManifestBounds(max_bytes=4096, max_line_bytes=512, max_entries=8)
SHA = "ab" * 32


def _read(data: bytes, bounds: ManifestBounds = BOUNDS) -> list[ManifestRecord]:
    return list(read_manifest(io.BytesIO(data), bounds))


def _check(data: bytes) -> None:
    try:
        records = _read(data)
    except ManifestError as exc:
        refused: ManifestError | None = exc
    else:
        refused = None
        for record in records:
            assert record.path and record.size >= 0 and len(record.sha256) == 64
    if refused is not None:
        assert refused.status in (413, 422) and str(refused)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    _check(data)


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=80) | st.just(SHA) | st.just(base64.b64encode(b"x").decode()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8)
_objects = st.dictionaries(st.sampled_from(["path", "size", "sha256", "content", "other"]),
                           _values, max_size=5)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_objects | _values, max_size=10))
def test_any_json_lines_parse_or_fail_cleanly(lines: list[object]) -> None:
    _check(b"".join(json.dumps(line).encode() + b"\n" for line in lines))


@given(st.lists(st.tuples(st.text(min_size=1, max_size=40), st.integers(0, 2**40),
                          st.binary(max_size=40) | st.none()), max_size=8))
def test_valid_records_round_trip(entries: list[tuple[str, int, bytes | None]]) -> None:
    lines = []
    for path, size, content in entries:
        line: dict[str, object] = {"path": path, "size": size, "sha256": SHA}
        if content is not None:
            line["content"] = base64.b64encode(content).decode()
        lines.append(json.dumps(line).encode())
    bounds = ManifestBounds(max_bytes=10**6, max_line_bytes=10**4, max_entries=8)
    assert _read(b"\n".join(lines) + b"\n", bounds) == [
        ManifestRecord(path, size, SHA, content) for path, size, content in entries]


@pytest.mark.parametrize(("data", "status", "message"), [
    (b"{}" * 300, 413, "line 1 is longer than 512 bytes"),
    ((b'{"path": "a", "size": 1, "sha256": "' + SHA.encode() + b'"}\n') * 9, 413,
     "more than 8 files"),
    ((b" " * 500 + b"\n") * 9, 413, "exceeds 4096 bytes"),
    (b"[1]\n", 422, "line 1 is not a JSON object"),
    (b'\n{"path": "a", "size": -1, "sha256": "' + SHA.encode() + b'"}', 422, "line 2: `size`"),
    (b'{"path": "a", "size": true, "sha256": "' + SHA.encode() + b'"}', 422, "`size`"),
    (b'{"path": "a", "size": 1, "sha256": "AB"}', 422, "`sha256`"),
    (b'{"path": "a", "size": 1, "sha256": "' + SHA.encode() + b'", "content": "%%"}', 422,
     "not base64"),
    (b'{"path": "a", "size": 1, "sha256": "' + SHA.encode() + '", "张三": 1}'.encode(), 422,
     "a key other than"),
])
def test_bad_manifests_are_refused_naming_the_line_not_the_content(
        data: bytes, status: int, message: str) -> None:
    with pytest.raises(ManifestError) as refused:
        _read(data)
    assert refused.value.status == status and message in str(refused.value)
    assert "张三" not in str(refused.value)
    assert isinstance(refused.value, ManifestTooLargeError) == (status == 413)


def test_a_secret_in_a_bad_field_is_not_echoed() -> None:
    with pytest.raises(ManifestError) as refused:
        _read(b'{"path": "a", "size": "13800138000", "sha256": "' + SHA.encode() + b'"}')
    assert "13800138000" not in str(refused.value)
