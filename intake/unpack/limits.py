"""How much an archive may hold before the unpacker stops looking at it."""

from __future__ import annotations

from dataclasses import dataclass, fields

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class UnpackLimits:
    """Safety limits, enforced on the bytes actually produced as well as on declared sizes."""

    max_entries: int = 200_000
    max_entry_bytes: int = 2 * GiB
    max_total_bytes: int = 200 * GiB  # uncompressed, all entries
    max_ratio: float = 200.0  # uncompressed / compressed, per entry and overall
    max_name_bytes: int = 1024
    max_path_depth: int = 32

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) <= 0:
                raise ValueError(f"UnpackLimits.{field.name} must be positive")
