"""Every figure the documentation quotes names the benchmark that produces it (tests/bench
runs every benchmark at its smallest scale).

The rule. A figure is a measured number: a rate (`12 MB/s`, `41.6 images/s`, any
`<unit>/s`), a ratio (`0.52x`, `5.2×`, `2.3 times`), a duration in ms, a percentage, a peak
RSS in MB or GB, a recall, precision or F1 value, and any cell of a table whose header
names one of those. A Markdown file is cut into sections at its headings (any level); a section that
quotes a figure outside code blocks must name an existing `bench/<script>.py`, or link to a
section of docs/figures.md that does.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
BENCH = ROOT / "bench"
FIGURES = ROOT / "docs" / "figures.md"

UNIT = (r"\d[\d,]*(?:\.\d+)?\s?(?:[KMG]B/s|[a-z]+/s\b|ms\b|%)"
        r"|\b\d+(?:\.\d+)?[×x](?![\w\d])|\b\d+\.\d+ times\b"
        r"|\bpeak RSS\b[^.|\n]*?\d+ ?[MG]B"
        r"|\b(?:recall|precision|F1)\b[^.\n]{0,40}?\b[01]\.\d{2,3}\b")
FIGURE = re.compile(UNIT)
TABLE_HEADER = re.compile(r"recall|precision|\bF1\b|/s\b|×|\bms\b|peak RSS", re.I)
SCRIPT = re.compile(r"bench/([a-z0-9_]+\.py)")
LINK = re.compile(r"\]\((?:[./]*docs/|\.?/?)?figures\.md#([a-z0-9-]+)\)")
HEADING = re.compile(r"^#{1,6} ", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of each section; the text before the first heading is one too."""
    text = FENCE.sub("", text)
    starts = [0, *(match.start() for match in HEADING.finditer(text)), len(text)]
    return [(text[a:b].splitlines()[0] if text[a:b] else "", text[a:b])
            for a, b in itertools.pairwise(starts) if text[a:b].strip()]


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    title = heading.lstrip("#").strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title))


def figures_in(body: str) -> list[str]:
    found = [match.group(0) for match in FIGURE.finditer(body)]
    lines = body.splitlines()
    for n, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.match(r"\|\s*-", lines[n + 1]) and \
                TABLE_HEADER.search(line):
            found.append(line.strip())
    return found


def names_a_benchmark(body: str) -> bool:
    return any((BENCH / script).is_file() for script in SCRIPT.findall(body))


def cited_sections() -> set[str]:
    """Anchors of the sections of docs/figures.md that name a benchmark."""
    return {slug(heading) for heading, body in sections(FIGURES.read_text())
            if names_a_benchmark(body)}


def uncited(text: str, cited: set[str]) -> list[str]:
    """'heading: figure' of each section quoting figures with no benchmark named."""
    return [f"{heading}: {figures[0]}" for heading, body in sections(text)
            if (figures := figures_in(body)) and not names_a_benchmark(body)
            and not any(anchor in cited for anchor in LINK.findall(body))]


def test_the_rule_finds_figures_and_their_sources() -> None:
    cited = {"upload-step"}
    assert uncited("## A\nUploads run at 95 MB/s.\n", cited) == ["## A: 95 MB/s"]
    assert uncited("## A\nAt 0.52x of `tar -x`, peak RSS 110 MB.\n", cited) == ["## A: 0.52x"]
    assert uncited("## A\n| tool | recall |\n|---|---|\n| a | 0.9 |\n", cited)
    assert uncited("## A\nUploads run at 95 MB/s (`bench/upload.py`).\n", cited) == []
    assert uncited("## A\n95 MB/s ([figures](docs/figures.md#upload-step)).\n", cited) == []
    assert uncited("## A\n95 MB/s ([figures](docs/figures.md#elsewhere)).\n", cited)
    assert uncited("## A\n95 MB/s (`bench/nothing_here.py`).\n", cited)
    assert uncited("## A\nThe purge took 2.3 times the floor.\n", cited)
    assert uncited("## A\nA 32 × 32 px input, 30 days, ISO 8601 times.\n", cited) == []
    assert uncited("## A\n```sh\nrate 95 MB/s\n```\n", cited) == []


def test_every_quoted_figure_names_its_benchmark() -> None:
    cited = cited_sections()
    assert "upload-step" in cited
    missing = {str(path.relative_to(ROOT)): found for path in documents()
               if (found := uncited(path.read_text(), cited))}
    assert missing == {}


def test_every_benchmark_section_of_the_figures_page_is_regenerated() -> None:
    page = FIGURES.read_text()
    generated = set(re.findall(r"<!-- figures:([a-z0-9_]+) -->", page))
    assert generated == set(re.findall(r"<!-- /figures:([a-z0-9_]+) -->", page))
    assert {"upload", "validation", "label_anonymisation", "image_redaction", "scale", "purge",
            "chain"} <= generated

