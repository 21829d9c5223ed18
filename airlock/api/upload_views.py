"""Multipart uploads at the HTTP boundary: bodies, answers and the Content-Digest header."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from airlock.api.problems import Problem
from catalog import Upload, UploadState, upload_parts
from intake.multipart import MAX_PART_SIZE, MAX_PARTS

SHA256_HEX = r"^[0-9a-f]{64}$"
MAX_LISTED = 100
"""Uploads one list answer holds at most."""


class UploadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contract: str = Field(min_length=1, max_length=140,
                          description="Contract id, name or name@v.")
    size: int = Field(ge=1, description="The archive's size in bytes "
                                        "(at most AIRLOCK_MAX_UPLOAD_BYTES).")
    sha256: str = Field(pattern=SHA256_HEX, description="The whole archive's SHA-256, "
                                                        "lowercase hex.")
    part_size: int | None = Field(
        default=None, ge=1, le=MAX_PART_SIZE,
        description="Bytes per part (the last may be smaller); default "
                    f"AIRLOCK_UPLOAD_PART_SIZE_BYTES, at most {MAX_PARTS} parts.")


class PartOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    number: int
    size: int
    sha256: str


class UploadOut(BaseModel):
    id: str
    dataset_id: str
    contract_id: str
    size: int
    sha256: str
    part_size: int
    parts_total: int
    state: Literal["open", "completed", "failed", "aborted", "expired"] = Field(
        description="An open upload past its `expires_at` is shown as expired.")
    received_bytes: int
    created_at: datetime
    expires_at: datetime
    parts: list[PartOut] = Field(description="The parts received, by number.")


def upload_out(session: Session, upload: Upload, now: datetime,
               with_parts: bool = True) -> UploadOut:
    state = upload.state
    if state == UploadState.OPEN.value and upload.expires_at <= now:
        state = UploadState.EXPIRED.value
    parts = [PartOut.model_validate(p) for p in upload_parts(session, upload.id)] \
        if with_parts else []
    return UploadOut(id=upload.id, dataset_id=upload.dataset_id,
                     contract_id=upload.contract_id, size=upload.size, sha256=upload.sha256,
                     part_size=upload.part_size, parts_total=upload.parts_total,
                     state=state,
                     received_bytes=upload.received_bytes, created_at=upload.created_at,
                     expires_at=upload.expires_at, parts=parts)


def content_sha256(header: str | None) -> str:
    """The SHA-256 (hex) an RFC 9530 `Content-Digest` names (`sha-256=:BASE64:`, possibly
    among other algorithms); 400 when the header is missing or has none."""
    if not header:
        raise Problem(400, "Content-Digest is required: sha-256=:<base64 of the part's "
                           "SHA-256>:", headers={"Connection": "close"})
    for member in header.split(","):
        name, _, value = member.strip().partition("=")
        if name.strip().lower() != "sha-256":
            continue
        value = value.strip()
        if len(value) < 2 or value[0] != ":" or value[-1] != ":":
            break
        try:
            digest = base64.b64decode(value[1:-1], validate=True)
        except (binascii.Error, ValueError):
            break
        if len(digest) == 32:
            return digest.hex()
        break
    raise Problem(400, "Content-Digest has no valid sha-256 member "
                       "(sha-256=:<base64 of 32 bytes>:)", headers={"Connection": "close"})
