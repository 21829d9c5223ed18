"""The human text of the server's objects, in the layout of the server's own `airlock`
commands: a record as `field  value` lines, a list as aligned columns, reports as their
summary lines then one line per problem. Reads JSON bodies defensively: a missing field
shows empty."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

STATUS_FIELDS = ("id", "tenant_id", "contract_id", "state", "state_changed_at", "created_at",
                 "upload_bytes", "item_count", "error_count", "warning_count",
                 "anonymisation_mode", "training_started_at", "trained_at", "purge_due_at",
                 "legal_hold", "hold_reason", "hold_placed_at")
CONTRACT_COLUMNS = ("id", "tenant_id", "name", "version", "created_at")
DATASET_COLUMNS = ("id", "state", "tenant", "contract", "items", "bytes", "uploaded (UTC)",
                   "purge due (UTC)", "hold")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def record(body: dict[str, Any], fields: Sequence[str]) -> str:
    width = max(len(name) for name in fields)
    return "\n".join(f"{name:<{width}}  {cell(body.get(name))}".rstrip() for name in fields)


def table(rows: Sequence[Sequence[str]], columns: Sequence[str]) -> str:
    widths = [max([len(column), *(len(row[i]) for row in rows)])
              for i, column in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def status(dataset: dict[str, Any]) -> str:
    text = record(dataset, STATUS_FIELDS)
    progress = dataset.get("progress")
    if isinstance(progress, dict):
        total = progress.get("total")
        of = "" if total is None else f" of {total}"
        width = max(map(len, STATUS_FIELDS))
        text += (f"\n{'progress':<{width}}  {progress.get('step')}: {progress.get('done')}"
                 f"{of} done, since {progress.get('started_at')}, last report "
                 f"{progress.get('updated_at')}")
    return text


def dataset_row(item: dict[str, Any]) -> tuple[str, ...]:
    contract = (f"{item.get('contract_name')} v{item.get('contract_version')}"
                if item.get("contract_name") else "")
    hold = f"held: {cell(item.get('hold_reason'))}" if item.get("legal_hold") else ""
    return (cell(item.get("id")), cell(item.get("state")), cell(item.get("tenant_name")),
            contract, cell(item.get("item_count")), cell(item.get("upload_bytes")),
            _minute(item.get("created_at")), _minute(item.get("purge_due_at")), hold)


def contract_rows(contracts: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [tuple(cell(c.get(column)) for column in CONTRACT_COLUMNS) for c in contracts]


def validation_summary(report: dict[str, Any]) -> str:
    """The first lines of the validation report: outcome, upload, counts."""
    summary = report.get("summary") or {}
    return "\n".join([
        f"dataset {report.get('dataset_id')}: {cell(report.get('outcome')).upper()} against "
        f"contract {report.get('contract_name')} v{report.get('contract_version')}",
        f"upload {report.get('upload_bytes')} bytes, sha256 {report.get('upload_sha256')}",
        f"{summary.get('items')} items of {summary.get('images')} images, "
        f"{summary.get('label_files')} label files, {summary.get('distinct_classes')} "
        f"classes; {report.get('errors')} errors, {report.get('warnings')} warnings"])


def validation_report(report: dict[str, Any]) -> str:
    lines = [validation_summary(report)]
    for problem in report.get("problems") or []:
        where = ":".join(cell(problem.get(part)) for part in ("file", "line")
                         if problem.get(part)) or "dataset"
        if problem.get("json_path"):
            where += f" {problem['json_path']}"
        if problem.get("field"):
            where += f" [{problem['field']}]"
        lines.append(f"{cell(problem.get('severity')):7} {cell(problem.get('rule')):28} "
                     f"{where}: {cell(problem.get('message'))}")
    if report.get("problems_not_listed"):
        lines.append(f"... and {report['problems_not_listed']} more problems (see --json "
                     "rules)")
    return "\n".join(lines)


def anonymisation_report(report: dict[str, Any]) -> str:
    lines = [f"dataset {report.get('dataset_id')}: ANONYMISED ({report.get('mode')}) in "
             f"{float(report.get('seconds') or 0):.1f} s"]
    images = report.get("images") or {}
    if images.get("handling") != "redacted":
        lines.append("images kept unchanged (contract: they hold no personal data)")
    else:
        lines.append(f"{images.get('images')} images redacted: {images.get('faces')} faces, "
                     f"{images.get('text_regions')} text regions, metadata stripped; "
                     f"{images.get('redone')} painted again after the residual check, "
                     f"{images.get('flagged')} flagged")
        lines += [f"  flagged: {name}" for name in images.get("flagged_items") or []]
    lines.append(f"{report.get('items')} items, {report.get('label_files')} label files, "
                 f"{report.get('paths_renamed')} file names rewritten, "
                 f"{report.get('entries_dropped')} other entries not copied")
    entities = report.get("entities") or {}
    lines.append(f"{report.get('texts_changed')} of {report.get('texts_scanned')} texts "
                 "changed; replacements: "
                 + (", ".join(f"{t} {n}" for t, n in entities.items()) or "none"))
    for name, counts in (report.get("by_field") or {}).items():
        lines.append(f"  {name}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    if report.get("mapping_copies"):
        lines.append(f"re-identification mapping: {report.get('mapping_records')} records in "
                     f"{report.get('mapping_copies')} encrypted copies")
    else:
        lines.append("no re-identification mapping kept; the run's key was discarded")
    return "\n".join(lines)


def _minute(value: Any) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM` (the server's list gives UTC)."""
    text = cell(value)
    return text[:16].replace("T", " ") if len(text) >= 16 else text
