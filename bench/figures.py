"""Regenerate docs/figures.md's benchmark sections from the figures in bench/results.

Each benchmark writes results/<name>.json (bench/measure.py); its section of the page sits
between `<!-- figures:<name> -->` and `<!-- /figures:<name> -->` and is rewritten from it:
the command that reproduces it, the date, the machine, a table of the rows with their
throughput and Airlock's ratio against each, and the notes. A section whose JSON is absent
keeps the figures of its last run; the rest of the page (the evaluations, which `make eval`
runs, with their commands) is kept as written.

Usage: .venv/bin/python bench/figures.py [--results bench/results] [--page docs/figures.md]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from measure import RESULTS, figure

PAGE = Path(__file__).resolve().parents[1] / "docs" / "figures.md"
SECTION = re.compile(r"(<!-- figures:(?P<name>[a-z0-9_]+) -->\n).*?(<!-- /figures:(?P=name) -->)",
                     re.S)


def render(result: dict[str, Any]) -> str:
    """A section's body in Markdown."""
    lines = [f"`{result['command']}` ({result['date']}, {result['machine']}): "
             f"{result['size']}.", "",
             "| measured | seconds | items/s | MB/s | Airlock's throughput against it |",
             "|---|---|---|---|---|"]
    ratios: dict[str, float] = result["ratios"]
    for row in result["rows"]:
        ratio = ratios.get(row["what"])
        items = figure(row["items_per_s"]) if row["items"] else ""
        megabytes = figure(row["mb_per_s"]) if row["megabytes"] else ""
        lines.append(f"| {row['what']} | {row['seconds']:.2f} | {items} | {megabytes} "
                     f"| {'' if ratio is None else figure(ratio) + '×'} |")
    rows = {row["what"] for row in result["rows"]}
    lines += [""] + [f"- {what}: {figure(ratio)}×" for what, ratio in ratios.items()
                     if what not in rows]
    if result["peak_rss_mb"] is not None:
        lines.append(f"- peak RSS {result['peak_rss_mb']:.0f} MB")
    lines += [f"- {note}" for note in result["notes"]]
    return "\n".join(lines).rstrip() + "\n"


def regenerate(page: str, results: Path) -> tuple[str, list[str]]:
    """The page with every section that has a result rewritten, and their names."""
    updated: list[str] = []

    def section(match: re.Match[str]) -> str:
        source = results / f"{match['name']}.json"
        if not source.exists():
            return match[0]
        updated.append(match["name"])
        return match[1] + render(json.loads(source.read_text())) + match[3]

    return SECTION.sub(section, page), updated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--page", type=Path, default=PAGE)
    args = parser.parse_args()
    text, updated = regenerate(args.page.read_text(), args.results)
    args.page.write_text(text)
    print(f"{args.page}: {', '.join(updated) or 'no section'} regenerated")


if __name__ == "__main__":
    main()
