"""bench/splits.py: the development half's split into a tuning and a held-back part is fixed,
near its intended size, and writes disjoint parts that together hold every record."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / "bench"
                                                  / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


splits = _bench_module("splits")


def test_the_split_is_fixed_and_near_its_size() -> None:
    keys = [f"record_{i}" for i in range(20_000)]
    held = [k for k in keys if splits.part_of(k) == "held_back"]
    assert abs(len(held) / len(keys) - splits.HELD_BACK_PERCENT / 100) < 0.01
    assert [splits.part_of(k) for k in keys[:200]] == [splits.part_of(k) for k in keys[:200]]


def test_written_parts_are_disjoint_and_complete(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    ids = [f"r{i}" for i in range(60)]
    (data / "zh_ner.jsonl").write_text("".join(
        json.dumps({"id": i, "text": "张三", "entities": []}) + "\n" for i in ids))
    (data / "en_pii.jsonl").write_text("")
    for folder in splits.IMAGE_FOLDERS:
        (data / folder).mkdir()
        names = [f"{folder}_{i}.jpg" for i in range(20)]
        for name in names:
            (data / folder / name).write_bytes(b"x")
        (data / folder / "boxes.jsonl").write_text("".join(
            json.dumps({"file": n, "boxes": []}) + "\n" for n in names))
    splits.write(data, tmp_path / "out")
    parts = {p: {r["id"] for r in splits.text_records(tmp_path / "out" / p / "zh_ner.jsonl")}
             for p in splits.PARTS}
    assert parts["tuning"].isdisjoint(parts["held_back"])
    assert parts["tuning"] | parts["held_back"] == set(ids)
    assert all(splits.part_of(i) == p for p, got in parts.items() for i in got)
    for folder in splits.IMAGE_FOLDERS:
        files = [r["file"] for p in splits.PARTS
                 for r in splits.image_rows(tmp_path / "out" / p / folder)]
        assert sorted(files) == sorted(f"{folder}_{i}.jpg" for i in range(20))
        assert all((tmp_path / "out" / p / folder / str(r["file"])).is_symlink()
                   for p in splits.PARTS for r in splits.image_rows(tmp_path / "out" / p / folder))
