"""The reference and design pages say what the code does: their generated parts are up to
date (`docs/reference/generate.py`), and every setting, command, route, dataset transition
and audit event is on its page."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from airlock.pipeline import NEXT_STEP
from airlock.settings import Settings
from catalog import TRANSITIONS, DatasetState
from tests.airlock.test_access_matrix import MATRIX

ROOT = Path(__file__).parents[1]
REFERENCE = ROOT / "docs" / "reference"
DESIGN = ROOT / "docs" / "design"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_generator",
                                                  REFERENCE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


@pytest.fixture(scope="module")
def expected() -> dict[Path, str]:
    pages: dict[Path, str] = generator.expected_pages()
    return pages


GENERATED = sorted([*generator.BLOCKS, *generator.WHOLE])


@pytest.mark.parametrize("page", GENERATED, ids=[p.name for p in GENERATED])
def test_generated_pages_are_up_to_date(page: Path, expected: dict[Path, str]) -> None:
    assert page.read_text(encoding="utf-8") == expected[page], \
        f"{page.relative_to(ROOT)} is stale: run {generator.REGENERATE}"


def test_every_setting_is_documented() -> None:
    page = (REFERENCE / "settings.md").read_text(encoding="utf-8")
    assert len(Settings.model_fields) >= 40
    for name, field in Settings.model_fields.items():
        assert f"| `AIRLOCK_{name.upper()}` |" in page, name
        assert field.description, f"{name} has no description for the reference"


def test_every_command_is_documented() -> None:
    page = (REFERENCE / "cli.md").read_text(encoding="utf-8")
    paths = generator.command_paths()
    assert {"airlock image redact", "airlock token approve", "airlock upload"} <= set(paths)
    for path in paths:
        assert f"### `{path}`" in page, path


def test_every_route_is_documented() -> None:
    page = (REFERENCE / "http.md").read_text(encoding="utf-8")
    document, routes = generator.api_routes()
    served = [(method.upper(), path) for path, operations in document["paths"].items()
              for method in operations]
    assert len(served) >= 30
    assert sorted(served) == sorted((m, r.path) for r in routes for m in r.methods)
    for method, path in served:
        assert f"### `{method} {path}`" in page, (method, path)


_MATRIX_NAMES = {"{own}": "{tenant}", "{victim}": "{token_id}", "{own_contract}": "{ref}",
                 "{own_dataset}": "{dataset_id}", "{own_upload}": "{upload_id}",
                 "/parts/1": "/parts/{number}", "/shards/0": "/shards/{index}"}


def _allowed_in_matrix(expected: dict[str, int]) -> set[str]:
    """The roles the access matrix lets in on an own-tenant object (an operator issued with
    a tenant is an operator)."""
    if set(expected.values()) == {404}:  # no role's: `/metrics` takes the scrape token
        return {generator.SCRAPER}
    if expected["anonymous"] not in (401, 403):
        return {"anyone"}
    return {"operator" if role == "tenant_operator" else role
            for role, status in expected.items() if status not in (401, 403)}


def test_roles_on_the_page_are_those_the_access_matrix_tests() -> None:
    _, routes = generator.api_routes()
    computed: dict[tuple[str, str], set[str]] = {}
    for route in routes:
        roles, _ = generator.route_access(route)
        for method in route.methods:
            computed[(method, route.path)] = set(roles)
    rows = 0
    for method, template, _, statuses in MATRIX:
        if "{other" in template:
            continue
        path = template.split("?")[0]
        for old, new in _MATRIX_NAMES.items():
            path = path.replace(old, new)
        assert computed[(method, path)] == _allowed_in_matrix(statuses), (method, path)
        rows += 1
    assert rows >= 30


def _mermaid(page: Path, block: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    found = re.search(rf"<!-- generated: {block} -->\n```mermaid\n(.*?)```", text, re.S)
    assert found is not None, block
    return found.group(1).splitlines()


def test_the_state_diagram_has_every_transition_and_step() -> None:
    edges: dict[tuple[str, str], str] = {}
    for line in _mermaid(DESIGN / "architecture.md", "states"):
        if (match := re.fullmatch(r"\s+(\S+) --> (\S+?)(?:: (.*))?", line)) is not None:
            edges[(match.group(1), match.group(2))] = match.group(3) or ""
    transitions = {(s.value, t.value) for s, targets in TRANSITIONS.items() for t in targets}
    assert {e for e in edges if "[*]" not in e} == transitions
    assert ("[*]", DatasetState.RECEIVED.value) in edges
    labels = " ".join(edges.values())
    for step in {s for s in NEXT_STEP.values() if s is not None}:
        assert step.value in labels, step


def test_the_package_graph_is_the_import_graph() -> None:
    drawn: dict[str, set[str]] = {}
    for line in _mermaid(DESIGN / "architecture.md", "packages"):
        if (match := re.fullmatch(r"\s+(\w+) --> (\w+)", line)) is not None:
            drawn.setdefault(match.group(1), set()).add(match.group(2))
    imports: dict[str, set[str]] = generator.package_imports()
    assert drawn == {package: found for package, found in imports.items() if found}
    assert not {"airlock"} & set().union(*(imports[p] for p in imports if p != "airlock"))


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
OWN_PAGES = [*sorted(REFERENCE.glob("*.md")), *sorted(DESIGN.glob("*.md"))]


@pytest.mark.parametrize("page", OWN_PAGES, ids=lambda p: p.name)
def test_links_into_the_reference_the_design_and_the_code_resolve(page: Path) -> None:
    """The guides, the index and the figures are other pages' business (their tests)."""
    docs = ROOT / "docs"
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        resolved = (page.parent / target).resolve()
        if resolved.is_relative_to(docs) and not resolved.is_relative_to(REFERENCE) \
                and not resolved.is_relative_to(DESIGN):
            continue
        assert resolved.exists(), (page.name, target)


def test_nothing_in_docs_links_to_the_old_events_page() -> None:
    for page in sorted((ROOT / "docs").rglob("*.md")):
        assert "docs/events.md" not in page.read_text(encoding="utf-8"), page
