"""Write the generated parts of the reference and design pages from the code.

    .venv/bin/python docs/reference/generate.py          # rewrite the pages
    .venv/bin/python docs/reference/generate.py --check  # exit 1 if a page is stale

A page holds hand-written prose and blocks between `<!-- generated: NAME -->` and
`<!-- end generated: NAME -->`, which only this script writes; `docs/reference/events.md`
is generated whole. `tests/test_reference_docs.py` fails when a page is stale.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import sys
import tempfile
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer.core
import typer.main
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from typer._click.core import Command, Context  # typer vendors click; its Context is private

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
DESIGN = ROOT / "docs" / "design"
PACKAGES = ("airlock", "anonymize", "audit", "catalog", "intake", "retention", "vault",
            "vocabulary")
"""The top-level packages of the project, as in pyproject.toml's package list."""
REGENERATE = ".venv/bin/python docs/reference/generate.py"

_BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z-]+) -->\n)(.*?)(<!-- end generated: "
                    r"(?P=name) -->)", re.S)


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _paragraphs(doc: str | None) -> str:
    """A docstring as Markdown paragraphs (its lines rejoined)."""
    blocks = inspect.cleandoc(doc or "").split("\n\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


# --- the command line ------------------------------------------------------------------

_OWN_DEFAULT = re.compile(r"default: [^;\]]*(; )?")


def _commands(command: Command, context: Context) -> Iterator[tuple[Command, Context]]:
    if not isinstance(command, typer.core.TyperGroup):
        yield command, context
        return
    for name in command.list_commands(context):
        child = command.get_command(context, name)
        assert child is not None, name
        yield from _commands(child, Context(child, info_name=name, parent=context))


def command_paths() -> list[str]:
    """Every runnable command, e.g. `airlock token create`, in the order help lists them."""
    return [context.command_path for _, context in _root_commands()]


def _root_commands() -> list[tuple[Command, Context]]:
    from airlock.cli.main import app

    root = typer.main.get_command(app)
    return list(_commands(root, Context(root, info_name="airlock")))


def _option_help(param: Any, context: Context) -> tuple[str, str]:
    name, help_text = param.get_help_record(context)
    own = param.help or ""
    if "default:" in own:
        # The help states the default itself (e.g. the CPU count): the value computed on
        # this machine would make the page differ from one machine to the next.
        extras = _OWN_DEFAULT.sub("", help_text[len(own):]).replace("[]", "")
        help_text = own + extras
    return name, help_text


def render_cli() -> str:
    lines: list[str] = []
    for command, context in _root_commands():
        usage = command.get_usage(context).removeprefix("Usage: ")
        lines += [f"### `{context.command_path}`", "", _paragraphs(command.help), "",
                  "```text", usage, "```", ""]
        rows = [_option_help(p, context) for p in command.params
                if not getattr(p, "hidden", False)]
        if rows:
            lines += ["| argument or option | meaning |", "|---|---|"]
            lines += [f"| `{_cell(name)}` | {_cell(text)} |" for name, text in rows]
            lines.append("")
    return "\n".join(lines)


# --- settings --------------------------------------------------------------------------

def _type_text(annotation: Any) -> str:
    """A field's type for people: `a` or `b`, optional, list of, mapping of."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin is typing.Literal:
        return " or ".join(f"`{value}`" for value in args)
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is dict:
        return f"mapping of {_type_text(args[0])} to {_type_text(args[1])}"
    if origin in (typing.Union, types.UnionType):
        kinds = [_type_text(a) for a in args if a is not type(None)]
        return " or ".join(kinds) + (", optional" if type(None) in args else "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    members = getattr(annotation, "__members__", None)
    if members is not None:
        return " or ".join(f"`{m.value}`" for m in members.values())
    return str(getattr(annotation, "__name__", annotation))


def _bounds(info: FieldInfo) -> str:
    limits = {name: getattr(m, name) for m in info.metadata
              for name in ("ge", "gt", "le", "max_length") if hasattr(m, name)}
    low = f"≥ {limits['ge']}" if "ge" in limits else f"> {limits['gt']}" if "gt" in limits \
        else ""
    high = f"≤ {limits['le']}" if "le" in limits else \
        f"at most {limits['max_length']} long" if "max_length" in limits else ""
    return ", ".join(part for part in (low, high) if part)


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return "see meaning"
    if info.default is None or info.default is PydanticUndefined:
        return "unset"
    value = getattr(info.default, "value", info.default)
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`" if str(value) else "empty"


def render_settings() -> str:
    from airlock.settings import Settings

    prefix = Settings.model_config.get("env_prefix", "")
    lines = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for name, info in Settings.model_fields.items():
        kind = _type_text(info.annotation)
        if bounds := _bounds(info):
            kind = f"{kind} ({bounds})"
        lines.append(f"| `{prefix}{name.upper()}` | {_cell(kind)} | {_cell(_default(info))} "
                     f"| {_cell(info.description or '')} |")
    return "\n".join(lines) + "\n"


# --- the contract file -----------------------------------------------------------------

def _contract_fields(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path, info
        nested = _nested_model(info.annotation)
        if nested is not None:
            yield from _contract_fields(nested, f"{path}[]." if _is_list(info.annotation)
                                        else f"{path}.")


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _contract_default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        made = info.default_factory()  # type: ignore[call-arg]
        if isinstance(made, BaseModel):
            return "its defaults"
        if isinstance(made, list):
            return f"`[{', '.join(str(getattr(v, 'value', v)) for v in made)}]`"
        return f"`{made}`" if made else "empty"
    return _default(info)


def render_contract() -> str:
    from intake.contract_format import ContractRules

    lines = ["| field | type | default | limits | meaning |", "|---|---|---|---|---|"]
    for path, info in _contract_fields(ContractRules, ""):
        lines.append(f"| `{path}` | {_cell(_type_text(info.annotation))} "
                     f"| {_cell(_contract_default(info))} | {_cell(_bounds(info))} "
                     f"| {_cell(info.description or '')} |")
    return "\n".join(lines) + "\n"


# --- the HTTP API ----------------------------------------------------------------------

def api_routes() -> tuple[dict[str, Any], list[APIRoute]]:
    """The app's OpenAPI document and its routes, in the order the document lists them."""
    from airlock.api.app import create_app
    from airlock.instance import Instance
    from airlock.settings import Settings

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), database_url=f"sqlite:///{home}/airlock.db",
                            storage="local")
        app = create_app(Instance(settings))
        document = app.openapi()
    order = {(method.upper(), path): index for index, (path, operations)
             in enumerate(document["paths"].items()) for method in operations}
    routes = [route for route in _route_modules() if isinstance(route, APIRoute)]
    routes.sort(key=lambda r: min(order[(m, r.path)] for m in r.methods or ()))
    return document, routes


def _route_modules() -> list[Any]:
    import importlib
    import pkgutil

    import airlock.api.routes

    return [route for info in pkgutil.iter_modules(airlock.api.routes.__path__)
            for route in importlib.import_module(f"airlock.api.routes.{info.name}").router.routes]


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


SCRAPER = "AIRLOCK_METRICS_TOKEN"
"""Who may scrape `/metrics`: that token, no role's."""


def route_access(route: APIRoute) -> tuple[list[str], bool]:
    """The roles a route lets in (`anyone` without a token) and whether its path object must
    be in the caller's tenant (tenant-bound tokens)."""
    from airlock.api.deps import (
        ContractAccess,
        DatasetAccess,
        Requires,
        UploadAccess,
        current_actor,
        tenant_in_reach,
    )
    from airlock.api.routes.metrics import scraper
    from airlock.permissions import ROLE_PERMISSIONS, Permission

    calls = list(_calls(route.dependant))
    if scraper in calls:
        return [SCRAPER], False
    permissions: set[Permission] = set()
    guarded = False
    for call in calls:
        if isinstance(call, DatasetAccess | ContractAccess | UploadAccess):
            permissions.add(call.requires.permission)
            guarded = True
        elif isinstance(call, Requires):
            permissions.add(call.permission)
        elif call is tenant_in_reach:  # an admin any tenant, a client its own
            permissions |= {Permission.TENANTS_MANAGE, Permission.TENANT_READ_OWN}
            guarded = True
    if not permissions:
        return (["any token"] if current_actor in calls else ["anyone"]), guarded
    roles = [role.value for role, held in ROLE_PERMISSIONS.items() if permissions & held]
    return roles, guarded


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return f"`{schema['$ref'].rsplit('/', 1)[-1]}`"
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items', {}))}"
    if "anyOf" in schema:
        return " or ".join(_schema_name(s) for s in schema["anyOf"])
    return f"`{schema.get('type', 'object')}`"


def _body_text(content: dict[str, Any]) -> str:
    parts = []
    for media, spec in content.items():
        schema = spec.get("schema")
        parts.append(f"{_schema_name(schema)} (`{media}`)" if schema else f"`{media}`")
    return "; ".join(parts)


def _parameter(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    kind = " or ".join(" or ".join(f"`{v}`" for v in s["enum"]) if "enum" in s
                       else _schema_name(s) for s in options)
    facts = [parameter["in"], kind, "required" if parameter.get("required") else ""]
    limits = {key: value for option in options for key, value in option.items()} | schema
    facts += [f"{label} {limits[key]}" for key, label in
              (("maxLength", "at most"), ("minimum", "≥"), ("maximum", "≤"),
               ("default", "default")) if key in limits]
    description = parameter.get("description") or schema.get("description") or ""
    return f"`{parameter['name']}` ({', '.join(f for f in facts if f)})" + \
        (f": {_cell(description)}" if description else "")


def _problems(route: APIRoute, operation: dict[str, Any], roles: list[str],
              guarded: bool) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if roles not in (["anyone"], [SCRAPER]):
        found["401"] = ["no valid token (429 instead once its source passed "
                        "`AIRLOCK_AUTH_FAILURE_LIMIT`)"]
    if roles not in (["anyone"], ["any token"], [SCRAPER]):
        found["403"] = ["the token's role may not (audited as `access.denied`)"]
    if "{" in route.path:
        found["404"] = ["unknown id" + (", or another tenant's: the same answer" if guarded
                                        else "")]
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        found["413"] = ["a JSON body over `AIRLOCK_MAX_REQUEST_BYTES`"]
    for status, spec in operation.get("responses", {}).items():
        if status == "422":
            found[status] = ["the request is invalid; `errors` names each field, never its value"]
        elif not status.startswith("2"):
            found.setdefault(status, []).append(spec.get("description", ""))
    return found


def render_routes() -> str:
    document, routes = api_routes()
    lines: list[str] = []
    for route in routes:
        roles, guarded = route_access(route)
        for method in sorted(route.methods or ()):
            operation = document["paths"][route.path][method.lower()]
            lines += [f"### `{method} {route.path}`", ""]
            if route.description:
                lines += [_paragraphs(route.description), ""]
            who = ", ".join(f"`{r}`" if r not in ("anyone", "any token") else r for r in roles)
            lines.append(f"- **Who:** {who}" + ("; a tenant-bound token reaches its own "
                                                  "tenant's only" if guarded else ""))
            for parameter in operation.get("parameters", []):
                lines.append(f"- **Parameter:** {_parameter(parameter)}")
            if "requestBody" in operation:
                lines.append(f"- **Body:** {_body_text(operation['requestBody']['content'])}")
            for status, spec in operation.get("responses", {}).items():
                if status.startswith("2"):
                    lines.append(f"- **Answer:** `{status}` "
                                 f"{_body_text(spec.get('content', {})) or 'no body'}")
            problems = _problems(route, operation, roles, guarded)
            if problems:
                lines.append("- **Problems:**")
                lines += [f"  - `{status}`: {_cell('; '.join(problems[status]))}"
                          for status in sorted(problems)]
            lines.append("")
    return "\n".join(lines)


def render_roles() -> str:
    from airlock.permissions import ROLE_PERMISSIONS, Permission

    roles = list(ROLE_PERMISSIONS)
    lines = ["| permission | " + " | ".join(f"`{r.value}`" for r in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for permission in Permission:
        marks = ["yes" if permission in ROLE_PERMISSIONS[r] else "" for r in roles]
        lines.append(f"| `{permission.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


# --- the design pages ------------------------------------------------------------------

def package_imports() -> dict[str, set[str]]:
    """For each package, the other project packages its modules import (from the source)."""
    found: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for package in PACKAGES:
        for module in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom)
                         and node.level == 0 else [])
                found[package] |= {n.split(".")[0] for n in names} & set(PACKAGES) - {package}
    return found


def render_packages() -> str:
    lines = ["```mermaid", "flowchart TD"]
    for package, imported in sorted(package_imports().items()):
        lines += [f"    {package} --> {target}" for target in sorted(imported)]
    return "\n".join([*lines, "```"]) + "\n"


STATE_EDGE_LABELS: dict[tuple[str, str], str] = {
    ("received", "purging"): "upload failed, abandon (upload cut off) or retention purge",
    ("anonymising", "validated"): "anonymise failed",
    ("ready", "training"): "training started",
    ("training", "trained"): "training completed",
    ("purging", "purging"): "purge resumed",
    ("purging", "purged"): "purge finished",
}
"""Labels of the transitions the pipeline's table does not name: operators', retention's,
and a failed step's."""


def state_edges() -> list[tuple[str, str, str]]:
    """Every transition of the catalog's lifecycle, labelled with what makes it."""
    from airlock.pipeline import NEXT_STEP
    from catalog import TRANSITIONS, DatasetState

    edges = []
    for source, targets in TRANSITIONS.items():
        for target in sorted(targets, key=list(DatasetState).index):
            key = (source.value, target.value)
            step = NEXT_STEP[source]
            if key in STATE_EDGE_LABELS:
                label = STATE_EDGE_LABELS[key]
            elif target is DatasetState.PURGING:
                label = "retention purge"
            elif step is not None:
                label = step.value
            else:
                raise KeyError(f"no label for the transition {source.value} -> {target.value}: "
                               "add it to STATE_EDGE_LABELS")
            edges.append((source.value, target.value, label))
    return edges


def render_states() -> str:
    from catalog import TRANSITIONS

    lines = ["```mermaid", "stateDiagram-v2", "    [*] --> received: upload"]
    lines += [f"    {source} --> {target}: {label}" for source, target, label in state_edges()]
    lines += [f"    {state.value} --> [*]" for state, targets in TRANSITIONS.items()
              if not targets]
    return "\n".join([*lines, "```"]) + "\n"


def render_events() -> str:
    from airlock.instance import event_registry

    return event_registry().reference_markdown() + "\n"


# --- the pages -------------------------------------------------------------------------

BLOCKS: dict[Path, dict[str, Callable[[], str]]] = {
    REFERENCE / "cli.md": {"commands": render_cli},
    REFERENCE / "settings.md": {"settings": render_settings},
    REFERENCE / "contract.md": {"fields": render_contract},
    REFERENCE / "http.md": {"roles": render_roles, "routes": render_routes},
    DESIGN / "architecture.md": {"packages": render_packages, "states": render_states},
}
WHOLE: dict[Path, Callable[[], str]] = {REFERENCE / "events.md": render_events}


def fill(text: str, renderers: dict[str, Callable[[], str]]) -> str:
    """`text` with each generated block rewritten; every renderer needs its block."""
    missing = set(renderers) - {m.group("name") for m in _BLOCK.finditer(text)}
    if missing:
        raise ValueError(f"no generated block for {sorted(missing)}")
    return _BLOCK.sub(lambda m: m.group(1) + renderers[m.group("name")]().rstrip("\n")
                      + "\n" + m.group(4), text)


def expected_pages() -> dict[Path, str]:
    """Every generated page as the code says it should read now."""
    pages = {page: fill(page.read_text(encoding="utf-8"), renderers)
             for page, renderers in BLOCKS.items()}
    pages.update({page: render() for page, render in WHOLE.items()})
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is stale")
    check = parser.parse_args(argv).check
    stale = []
    for page, text in expected_pages().items():
        if page.read_text(encoding="utf-8") != text:
            stale.append(page.relative_to(ROOT))
            if not check:
                page.write_text(text, encoding="utf-8")
    for page in stale:
        print(f"{'stale' if check else 'rewrote'}: {page}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
