"""Who did something: the principal behind an audited action."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(max_length=128)
    role: str = Field(max_length=32)
    tenant_id: str | None = Field(default=None, max_length=32)
    on_behalf_of: str | None = Field(default=None, max_length=128)
    """For a system actor doing a person's work (the pipeline validating an upload): that
    person's actor id, recorded in the event's details."""


SYSTEM = Actor(id="system", role="system")
