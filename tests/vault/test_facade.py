"""Callers reach storage through `VaultService` only: no module outside the vault imports
the `ObjectStore` or reaches a service's store, so every read, write and deletion goes
through the methods that register, audit and bound them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("airlock", "anonymize", "audit", "catalog", "intake", "retention")
STORE_ATTRIBUTES = {"store", "_store", "object_store"}


def _uses_of_the_store(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "vault.object_store":
            found.append(f"{path}:{node.lineno} imports vault.object_store")
        elif isinstance(node, ast.alias) and node.name == "ObjectStore":
            found.append(f"{path} imports ObjectStore")
        elif isinstance(node, ast.Name) and node.id == "ObjectStore":
            found.append(f"{path}:{node.lineno} names ObjectStore")
        elif isinstance(node, ast.Attribute) and node.attr in STORE_ATTRIBUTES:
            found.append(f"{path}:{node.lineno} reaches .{node.attr}")
    return found


def test_no_module_outside_the_vault_touches_the_object_store() -> None:
    modules = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    assert len(modules) > 100  # the walk found the packages
    assert [use for path in modules for use in _uses_of_the_store(path)] == []


def test_the_check_sees_a_direct_use(tmp_path: Path) -> None:
    module = tmp_path / "bypass.py"
    module.write_text("from vault import ObjectStore\n"
                      "from vault.object_store import StoredObject\n"
                      "def read(instance):\n"
                      "    return instance.vault.store.open\n", encoding="utf-8")
    assert len(_uses_of_the_store(module)) == 3
