"""PII detection and anonymisation of small texts, for previews and integrations."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from airlock.api.deps import InstanceDep, Requires
from airlock.api.gates import GatesDep
from airlock.permissions import Permission
from audit import Actor
from intake.contract_format import EntityType
from vocabulary import OperatorName

if TYPE_CHECKING:
    from anonymize.engine import Detection

router = APIRouter(prefix="/v1/pii", tags=["pii"])
User = Annotated[Actor, Depends(Requires(Permission.PII_ANALYZE))]
MAX_TEXTS = 100
MAX_TEXT_CHARS = 10_000
BUSY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many text requests of this token, its tenant or in all: the "
                         "models run on threads of their own (see `Retry-After`)."}}


class TextsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    texts: list[Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] = Field(
        min_length=1, max_length=MAX_TEXTS, description="Up to 100 texts of 10,000 characters.")
    language: Literal["auto", "zh", "en"] = "auto"


class AnonymizeIn(TextsIn):
    operators: dict[EntityType, OperatorName] = Field(
        default_factory=dict, max_length=64,
        description="Operator per entity type over the default policy. `pseudonym` and "
                    "`hash` use a key made for this request: consistent within it only.")


class Entity(BaseModel):
    type: str
    start: int = Field(description="Code-point offset, inclusive.")
    end: int = Field(description="Code-point offset, exclusive.")
    score: float


class Analysed(BaseModel):
    entities: list[Entity]


class Change(BaseModel):
    type: str
    operator: str
    start: int = Field(description="Offset in the original text.")
    end: int


class Anonymized(BaseModel):
    text: str
    changes: list[Change]


@router.post("/analyze", responses=BUSY)
async def analyze(body: TextsIn, instance: InstanceDep, actor: User,
                  gates: GatesDep) -> list[Analysed]:
    """Entities per text, in order (code-point offsets, end exclusive)."""

    def run() -> list[list[Detection]]:  # the first request loads the engine, off the loop
        return instance.pii_engine().detect(body.texts, body.language)

    with gates.pii.admit(actor, actor.tenant_id):
        found = await anyio.to_thread.run_sync(run, limiter=gates.pii.threads)
    return [Analysed(entities=[Entity(type=d.type, start=d.start, end=d.end, score=d.score)
                               for d in detections]) for detections in found]


@router.post("/anonymize", responses=BUSY)
async def anonymize(body: AnonymizeIn, instance: InstanceDep, actor: User,
                    gates: GatesDep) -> list[Anonymized]:
    """Each text with its personal data replaced (default policy: 张某 / "S.", masked
    identifiers, addresses to the city, dates to the year, [TYPE] for the rest)."""
    # Presidio and the text models load with the first text request, not with the server.
    from anonymize.operators import anonymizer_engine
    from anonymize.policy import build_policy
    from anonymize.text import TextRewriter

    policy = build_policy(body.operators, os.urandom(32))

    def run() -> list[Anonymized]:
        rewriter = TextRewriter(instance.pii_engine(), anonymizer_engine(), policy, body.language)
        return [Anonymized(text=r.text, changes=[
            Change(type=c.type, operator=c.operator, start=c.start, end=c.end)
            for c in r.replacements]) for r in rewriter.rewrite(body.texts)]

    with gates.pii.admit(actor, actor.tenant_id):
        return await anyio.to_thread.run_sync(run, limiter=gates.pii.threads)
