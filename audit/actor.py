"""Who did something: the principal behind an audited action."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(max_length=128)
    role: str = Field(max_length=32)
    tenant_id: str | None = Field(default=None, max_length=32)


SYSTEM = Actor(id="system", role="system")
