"""`airlock pii ...`: PII detection on JSON Lines, for people, scripts and scorers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, TextIO

import typer
from pydantic import BaseModel, Field, ValidationError

from airlock.cli.errors import AirlockGroup

pii_app = typer.Typer(cls=AirlockGroup, help="Detect personal information in text.",
                      no_args_is_help=True)
MAX_LINE_CHARS = 1_000_000
BATCH = 256


class Language(StrEnum):
    AUTO = "auto"
    ZH = "zh"
    EN = "en"


class TextRecord(BaseModel):
    id: str | int
    text: str = Field(max_length=MAX_LINE_CHARS)


def _records(stream: TextIO) -> Iterator[TextRecord]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS + 1000:
            raise ValueError(f"line {number}: longer than {MAX_LINE_CHARS} characters")
        try:
            yield TextRecord.model_validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "record"
            # The message names the place, never the text: it may be personal data.
            raise ValueError(f"line {number}: expected {{\"id\", \"text\"}} JSON ({where}: "
                             f"{first.get('type', 'invalid')})") from None


@pii_app.command("detect")
def detect(
    file: Annotated[Path | None, typer.Argument(help="JSON Lines {\"id\", \"text\"}; "
                                                     "standard input when left out.")] = None,
    lang: Annotated[Language, typer.Option(help="Language, or auto per record.")] =
    Language.AUTO,
) -> None:
    """JSON Lines out: {"id", "entities": [{"type", "start", "end", "score"}]} (code-point
    offsets, end exclusive), in input order."""
    from anonymize.engine import build_engine

    engine = build_engine()
    with (file.open(encoding="utf-8") if file else _stdin()) as stream:
        records = _records(stream)
        while batch := list(islice(records, BATCH)):
            found = engine.detect([r.text for r in batch], lang.value)
            for record, detections in zip(batch, found, strict=True):
                typer.echo(json.dumps({"id": record.id, "entities": [
                    {"type": d.type, "start": d.start, "end": d.end, "score": d.score}
                    for d in detections]}, ensure_ascii=False))


@pii_app.command("anonymize")
def anonymize(
    file: Annotated[Path | None, typer.Argument(help="JSON Lines {\"id\", \"text\"}; "
                                                     "standard input when left out.")] = None,
    lang: Annotated[Language, typer.Option(help="Language, or auto per record.")] =
    Language.AUTO,
) -> None:
    """JSON Lines out: {"id", "text"} with the default operators: names 张某 / "S.", IDs,
    phones, cards, e-mails and plates masked (138****5678), addresses to city level,
    dates to year, other personal data redacted as [TYPE]."""
    import os

    from anonymize.engine import build_engine
    from anonymize.operators import anonymizer_engine, default_policy
    from anonymize.text import anonymize_texts

    engine, anonymizer = build_engine(), anonymizer_engine()
    policy = default_policy(os.urandom(32))  # the default operators need no lasting key
    with (file.open(encoding="utf-8") if file else _stdin()) as stream:
        records = _records(stream)
        while batch := list(islice(records, BATCH)):
            texts = anonymize_texts(engine, anonymizer, [r.text for r in batch], policy,
                                    lang.value)
            for record, text in zip(batch, texts, strict=True):
                typer.echo(json.dumps({"id": record.id, "text": text}, ensure_ascii=False))


def _stdin() -> TextIO:
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    return sys.stdin
