"""The assembled analyser: Chinese and English, offline, through the CLI too."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from airlock.cli.main import app
from anonymize import nlp
from anonymize.engine import Detection, PiiEngine, _merge, _pieces, build_engine
from anonymize.language import english_view

ZH = "张三的身份证号是11010519491231002X，手机+86 138-1234-5678，住在北京市海淀区中关村大街1号。"
EN = "Contact Dr. Emily Watson at emily.watson@example.com or 212-555-0101."


@pytest.fixture(scope="module")
def engine() -> Iterator[PiiEngine]:
    """Built with the network cut: nothing may be fetched, now or at first use."""
    original = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"network access attempted: {address}")

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    try:
        built = build_engine()
        built.detect([ZH, EN])
        yield built
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def _found(engine: PiiEngine, text: str) -> set[tuple[str, str]]:
    [detections] = engine.detect([text])
    return {(d.type, text[d.start:d.end]) for d in detections}


def test_chinese_text(engine: PiiEngine) -> None:
    assert {("PERSON", "张三"), ("CN_ID", "11010519491231002X"),
            ("CN_PHONE", "+86 138-1234-5678"),
            ("CN_ADDRESS", "北京市海淀区中关村大街1号")} <= _found(engine, ZH)


def test_english_text(engine: PiiEngine) -> None:
    found = _found(engine, EN)
    assert {("PERSON", "Emily Watson"), ("EMAIL_ADDRESS", "emily.watson@example.com")} <= found
    assert any(kind == "PHONE_NUMBER" for kind, _ in found)


def test_mixed_text_gets_both_analysers(engine: PiiEngine) -> None:
    text = "欧阳娜娜和 John Smith 见面，车牌沪A·12345。"
    found = _found(engine, text)
    assert ("PERSON", "欧阳娜娜") in found and ("CN_PLATE", "沪A·12345") in found
    assert any(kind == "PERSON" and "Smith" in value for kind, value in found)


def test_a_lone_latin_word_in_chinese_is_a_name_only_if_listed(engine: PiiEngine) -> None:
    """Only the English path is held to the lists here (LAC's Latin PER tags are not)."""
    text = "他和 Maria 合作了《Qelthorn》。"
    people = {value for kind, value in _found(engine, text) if kind == "PERSON"}
    assert "Maria" in people
    assert "Qelthorn" not in people


def test_offsets_are_code_points(engine: PiiEngine) -> None:
    text = "𠀀𠀀 张三 13812345678"
    spans = {text[d.start:d.end] for d in engine.detect([text])[0]}
    assert "13812345678" in spans


def test_a_changed_model_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "ENGLISH_MODEL_DIGEST", "0" * 64)
    with pytest.raises(nlp.ModelIntegrityError, match="pinned digest"):
        nlp.verify_english_model()


def test_cli_detect_reads_and_writes_json_lines() -> None:
    lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                      for i, t in enumerate([ZH, EN]))
    result = CliRunner().invoke(app, ["pii", "detect", "--lang", "auto"], input=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [0, 1]
    assert {"type", "start", "end", "score"} <= set(out[0]["entities"][0])


def test_cli_detect_errors_name_the_line_not_the_text() -> None:
    result = CliRunner().invoke(app, ["pii", "detect"],
                                input='{"id": 1, "text": "ok"}\n{"id": 2, "txt": "张三"}\n')
    assert result.exit_code == 1
    assert "line 2" in result.stderr and "张三" not in result.stderr


def test_cli_anonymize_applies_the_default_operators() -> None:
    line = json.dumps({"id": "a", "text": ZH}, ensure_ascii=False)
    result = CliRunner().invoke(app, ["pii", "anonymize"], input=line)
    assert result.exit_code == 0, result.output
    [out] = [json.loads(x) for x in result.stdout.splitlines()]
    assert out["id"] == "a"
    text = out["text"]
    assert text.startswith("张某的身份证号是110105********002X")
    assert "138-****-5678" in text or "138****5678" in text.replace("-", "").replace(" ", "")
    assert "北京市" in text and "中关村大街1号" not in text
    for secret in ("张三", "11010519491231002X", "1234-5678"):
        assert secret not in text


D = Detection


@pytest.mark.parametrize(
    ("found", "kept"),
    [
        ([D("PERSON", 0, 8, 0.5), D("PERSON", 0, 8, 0.85)], [D("PERSON", 0, 8, 0.85)]),
        ([D("PERSON", 4, 8, 0.9), D("PERSON", 0, 8, 0.5)], [D("PERSON", 0, 8, 0.5)]),
        ([D("PERSON", 0, 4, 0.5), D("PERSON", 2, 8, 0.5), D("PERSON", 3, 6, 0.5)],
         [D("PERSON", 0, 4, 0.5), D("PERSON", 2, 8, 0.5)]),
        # no-merge rows: other types, disjoint spans
        ([D("ADDRESS", 0, 8, 0.5), D("PERSON", 2, 4, 0.5)],
         [D("ADDRESS", 0, 8, 0.5), D("PERSON", 2, 4, 0.5)]),
        ([D("PERSON", 5, 9, 0.5), D("PERSON", 0, 3, 0.5)],
         [D("PERSON", 0, 3, 0.5), D("PERSON", 5, 9, 0.5)]),
        ([], []),
    ],
)
def test_one_detection_per_span_and_none_inside_another(found: list[Detection],
                                                         kept: list[Detection]) -> None:
    assert _merge(found) == kept


def test_a_name_inside_a_street_address_is_the_address(engine: PiiEngine) -> None:
    text = "Please send it to 42 Quendtstraat 7, Vinkeveen."
    found = _found(engine, text)
    assert any(kind == "ADDRESS" for kind, _ in found)
    assert not any(kind == "PERSON" for kind, _ in found)


def test_languages_are_batched_apart(engine: PiiEngine) -> None:
    texts = [EN, ZH, "", EN]
    assert engine.detect(texts)[0] == engine.detect(texts)[3] == engine.detect([EN])[0]
    assert engine.detect(texts)[2] == []


@pytest.mark.parametrize(("text", "span", "pieces"), [
    ("John Smith  ", (0, 12), [(0, 10)]),  # trailing blanks trimmed
    ("Achron》具有模式“出奇”", (0, 14), [(0, 6)]),  # cut at blanked Chinese; quotes alone go
    ("Ann和Bob", (0, 7), [(0, 3), (4, 7)]),
    ("——", (0, 2), []),  # no-match: nothing but punctuation
])
def test_english_spans_never_cover_chinese(text: str, span: tuple[int, int],
                                           pieces: list[tuple[int, int]]) -> None:
    assert list(_pieces(english_view(text), text, *span)) == pieces


def test_cli_detect_on_worker_processes_matches_one_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from airlock.cli import pii_commands

    lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False)
                      for i, t in enumerate([ZH, EN] * 3))
    alone = CliRunner().invoke(app, ["pii", "detect", "--workers", "1"], input=lines)
    monkeypatch.setattr(pii_commands, "POOL_MIN_RECORDS", 2)
    monkeypatch.setattr(pii_commands, "BATCH", 2)
    pooled = CliRunner().invoke(app, ["pii", "detect", "--workers", "2"], input=lines)
    assert alone.exit_code == pooled.exit_code == 0, pooled.output
    assert pooled.stdout == alone.stdout
    assert [json.loads(line)["id"] for line in pooled.stdout.splitlines()] == list(range(6))


def test_cli_detect_below_the_pool_size_stays_in_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from anonymize.dataset import pool

    def no_pool(workers: int, engine: object) -> None:
        raise AssertionError("a small input started worker processes")

    monkeypatch.setattr(pool, "detection_pool", no_pool)
    result = CliRunner().invoke(app, ["pii", "detect", "--workers", "2"],
                                input=json.dumps({"id": 1, "text": EN}))
    assert result.exit_code == 0, result.output
