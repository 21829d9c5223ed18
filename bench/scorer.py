"""The shared text scorer (../shared/tools/eval_text.py), loaded as a module: the benches
compute their figures with its own `score`, the yardstick of the detection targets."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_scorer(data: Path) -> ModuleType:
    """The scorer beside the data folder (``<data>/../tools/eval_text.py``)."""
    path = data.parent / "tools" / "eval_text.py"
    spec = importlib.util.spec_from_file_location("eval_text", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
