"""`airlock pii ...`: PII detection on JSON Lines, for people, scripts and scorers."""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from pydantic import BaseModel, Field, ValidationError

from airlock.cli.errors import AirlockGroup

if TYPE_CHECKING:
    from anonymize.engine import Detection

pii_app = typer.Typer(cls=AirlockGroup, help="Detect personal information in text.",
                      no_args_is_help=True)
MAX_LINE_CHARS = 1_000_000
BATCH = 128
# Inputs of at least this many records are detected on worker processes. Forking them and
# compiling every English pattern before the fork costs about half a second of CPU: on 2
# cores shared with other work, 1,024 records were 6% slower on 2 workers, 2,048 faster.
POOL_MIN_RECORDS = 2048


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
    workers: Annotated[int, typer.Option(
        min=1, max=64, help=f"Processes detecting in parallel on inputs of {POOL_MIN_RECORDS} "
                            "records or more (default: CPU count; 1 = in this process).")]
    = os.cpu_count() or 1,
) -> None:
    """JSON Lines out: {"id", "entities": [{"type", "start", "end", "score"}]} (code-point
    offsets, end exclusive), in input order."""
    with (file.open(encoding="utf-8") if file else _stdin()) as stream:
        for batch, found in _detected(_batches(_records(stream)), lang.value, workers):
            for record, detections in zip(batch, found, strict=True):
                typer.echo(json.dumps({"id": record.id, "entities": [
                    {"type": d.type, "start": d.start, "end": d.end, "score": d.score}
                    for d in detections]}, ensure_ascii=False))


def _batches(records: Iterator[TextRecord]) -> Iterator[list[TextRecord]]:
    while batch := list(islice(records, BATCH)):
        yield batch


def _detected(batches: Iterator[list[TextRecord]], language: str, workers: int
              ) -> Iterator[tuple[list[TextRecord], list[list[Detection]]]]:
    """Each batch with its detections, in input order: in this process, or on `workers`
    processes when the input reaches POOL_MIN_RECORDS. Only that much is read ahead to
    decide (the input is never held whole: a stream may be endless)."""
    ahead: deque[list[TextRecord]] = deque()
    while workers > 1 and sum(map(len, ahead)) < POOL_MIN_RECORDS:
        batch = next(batches, None)
        if batch is None:
            break
        ahead.append(batch)
    pooled = workers > 1 and sum(map(len, ahead)) >= POOL_MIN_RECORDS
    rest = chain(_drained(ahead), batches)
    from anonymize.engine import build_engine

    # In one process, patterns compile as texts reach them. Before a fork, the English
    # ones compile once here rather than in every worker (not the Chinese ones: they would
    # load LAC, whose threads a fork does not copy; see detection_pool).
    engine = build_engine(warm_up=("en",) if pooled and language != "zh" else ())
    if not pooled:
        for batch in rest:
            yield batch, engine.detect([r.text for r in batch], language)
        return
    from anonymize.dataset.pool import detection_pool

    sent: deque[list[TextRecord]] = deque()  # batches out on the pool, in input order

    def texts() -> Iterator[list[str]]:
        for batch in rest:
            sent.append(batch)
            yield [r.text for r in batch]

    with detection_pool(workers, engine) as pool:
        for found in pool.detect(texts(), language):
            yield sent.popleft(), found


def _drained(batches: deque[list[TextRecord]]) -> Iterator[list[TextRecord]]:
    """The batches read ahead, each let go once handed on."""
    while batches:
        yield batches.popleft()


@pii_app.command("anonymize")
def anonymize(
    file: Annotated[Path | None, typer.Argument(help="JSON Lines {\"id\", \"text\"}; "
                                                     "standard input when left out.")] = None,
    lang: Annotated[Language, typer.Option(help="Language, or auto per record.")] =
    Language.AUTO,
    operator: Annotated[list[str] | None, typer.Option(
        "--operator", metavar="TYPE=OPERATOR",
        help="Operator for an entity type (or DEFAULT), over the default policy; repeatable. "
             "Operators: surname, pseudonym, mask, redact, hash, generalize, keep.")] = None,
) -> None:
    """JSON Lines out: {"id", "text"}. Default operators: names 张某 / "S.", IDs, phones,
    cards, e-mails and plates masked (138****5678), addresses to city level, dates to year,
    other personal data redacted as [TYPE]. `pseudonym` and `hash` use a key made for this
    run: consistent within it, never stored."""
    import os

    from anonymize.engine import build_engine
    from anonymize.operators import anonymizer_engine
    from anonymize.policy import build_policy
    from anonymize.text import TextRewriter

    policy = build_policy(_choices(operator or []), os.urandom(32))
    rewriter = TextRewriter(build_engine(), anonymizer_engine(), policy, lang.value)
    with (file.open(encoding="utf-8") if file else _stdin()) as stream:
        records = _records(stream)
        while batch := list(islice(records, BATCH)):
            done = rewriter.rewrite([r.text for r in batch])
            for record, rewritten in zip(batch, done, strict=True):
                typer.echo(json.dumps({"id": record.id, "text": rewritten.text},
                                      ensure_ascii=False))


def _choices(options: list[str]) -> dict[str, str]:
    choices: dict[str, str] = {}
    for option in options:
        entity_type, sep, name = option.partition("=")
        if not sep or not entity_type.strip() or not name.strip():
            raise typer.BadParameter(f"expected TYPE=OPERATOR, got '{option}'",
                                     param_hint="--operator")
        choices[entity_type.strip().upper()] = name.strip()
    return choices


def _stdin() -> TextIO:
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    return sys.stdin
