"""The log formats: one JSON object per line with the fields operators filter on, or a
readable line; an exception by its type, never its message."""

from __future__ import annotations

import json
import logging
import sys
import threading

import pytest

from airlock.logs import (
    JsonFormatter,
    TextFormatter,
    WebSocketPathDropped,
    _log_thread_death,
    _log_warning,
)
from audit import current_request_id

SECRET = "张三丰 canary.li@example.org"


def _record(message: str = "dataset %s: %d items", *args: object,
            extra: dict[str, object] | None = None, failing: bool = False) -> logging.LogRecord:
    exc_info = None
    if failing:
        try:
            raise ValueError(SECRET)
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.getLogger("airlock.pipeline").makeRecord(
        "airlock.pipeline", logging.INFO, __file__, 1, message, args or ("ds1", 3), exc_info,
        extra=extra)
    return record


def test_a_json_line_has_the_fields_and_the_extras() -> None:
    token = current_request_id.set("req-1")
    try:
        line = JsonFormatter().format(_record(extra={"route": "/v1/x/{id}", "status": 200}))
    finally:
        current_request_id.reset(token)
    assert "\n" not in line
    event = json.loads(line)
    assert event["time"].endswith("Z") and event["time"][10] == "T"
    assert {k: event[k] for k in ("level", "logger", "message", "request_id", "route",
                                  "status")} == {
        "level": "info", "logger": "airlock.pipeline", "message": "dataset ds1: 3 items",
        "request_id": "req-1", "route": "/v1/x/{id}", "status": 200}


def test_no_request_id_outside_a_request() -> None:
    assert "request_id" not in json.loads(JsonFormatter().format(_record()))


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_an_exception_is_logged_by_its_type_only(formatter: logging.Formatter) -> None:
    line = formatter.format(_record(failing=True))
    assert "ValueError" in line
    assert SECRET not in line and "canary" not in line and "Traceback" not in line
    assert "\n" not in line


def test_the_text_form_is_one_readable_line() -> None:
    token = current_request_id.set("req-2")
    try:
        line = TextFormatter().format(_record(extra={"status": 404}))
    finally:
        current_request_id.reset(token)
    assert line.endswith(" INFO airlock.pipeline [req-2]: dataset ds1: 3 items status=404")


def test_a_warning_is_logged_without_its_text(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="py.warnings"):
        _log_warning(UserWarning(SECRET), UserWarning, "/x/y.py", 7)
    assert caplog.messages == ["UserWarning at /x/y.py:7"]


def test_a_websocket_handshake_is_logged_without_its_path() -> None:
    record = logging.getLogger("uvicorn.error").makeRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" 403',
        ("127.0.0.1:5000", "/v1/datasets/ds1?name=canary"), None)
    WebSocketPathDropped().filter(record)
    assert record.getMessage() == '- - "WebSocket -" 403'


def test_a_thread_ended_by_an_exception_is_one_line_of_its_type(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(threading, "excepthook", _log_thread_death)

    def fail() -> None:
        raise ValueError(SECRET)

    with caplog.at_level(logging.ERROR, logger="airlock"):
        thread = threading.Thread(target=fail, name="doomed")
        thread.start()
        thread.join()
    [record] = caplog.records
    line = JsonFormatter().format(record)
    assert json.loads(line)["exception"] == "builtins.ValueError"
    assert "doomed" in line and SECRET not in line
