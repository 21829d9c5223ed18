"""`preflight`: the server's verdict on a dataset before a byte of its images is sent."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from airlock_client.errors import ExitCode
from airlock_client.preflight import run_preflight
from airlock_client.session import Session, output_options


@click.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--contract", required=True, help="Contract id, name or name@version.")
@output_options
def preflight(session: Session, source: Path, contract: str) -> None:
    """Check SOURCE (a folder, or a .zip, .tar, .tar.gz or .tgz file) against the contract
    from its manifest: names, sizes, SHA-256s and the label files, no images. Exits 1 if the
    report has errors; the full validation after the upload still checks every byte."""
    report = run_preflight(session.api(), contract, source)
    session.output.result(report, lambda: render_report(report))
    if report.get("errors"):
        raise click.exceptions.Exit(int(ExitCode.FAILED))


def render_report(report: Mapping[str, Any]) -> str:
    """The report as text, its problems grouped by rule."""
    summary = report.get("summary") or {}
    verdict = "would be REJECTED" if report.get("errors") else "would be ACCEPTED"
    lines = [
        f"pre-flight: {verdict} by contract {report.get('contract_name')} "
        f"v{report.get('contract_version')}",
        f"{summary.get('items', 0)} items of {summary.get('images', 0)} images, "
        f"{summary.get('label_files', 0)} label files, "
        f"{summary.get('distinct_classes', 0)} classes; {report.get('errors', 0)} errors, "
        f"{report.get('warnings', 0)} warnings",
    ]
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for problem in report.get("problems") or ():
        by_rule.setdefault(str(problem.get("rule")), []).append(problem)
    counts = report.get("rules") or {}
    for rule, problems in sorted(by_rule.items()):
        count = counts.get(rule, len(problems))
        lines.append(f"{problems[0].get('severity', '')} {rule} ({count})")
        lines.extend(f"  {_where(problem)}: {problem.get('message', '')}" for problem in problems)
    if report.get("problems_not_listed"):
        lines.append(f"... and {report['problems_not_listed']} more problems (see --json rules)")
    not_checked = report.get("not_checked") or ()
    if not_checked:
        lines.append(f"not checked before the upload: {', '.join(not_checked)}")
    return "\n".join(lines)


def _where(problem: Mapping[str, Any]) -> str:
    where = ":".join(str(part) for part in (problem.get("file"), problem.get("line"))
                     if part) or "dataset"
    if problem.get("json_path"):
        where += f" {problem['json_path']}"
    if problem.get("field"):
        where += f" [{problem['field']}]"
    return where
