"""An instance's vault and image models, as shard tasks need them
(`anonymize.dataset.ShardParts`)."""

from __future__ import annotations

from dataclasses import dataclass

from airlock.instance import Instance
from anonymize.image import ImagePlan, ImageRedactor
from vault import VaultService


@dataclass(frozen=True)
class InstanceShardParts:
    instance: Instance

    @property
    def vault(self) -> VaultService:
        return self.instance.vault

    def redactor(self, plan: ImagePlan, max_pixels: int) -> ImageRedactor:
        return self.instance.image_models.redactor(plan, max_pixels)

    @property
    def image_threads(self) -> int:
        return self.instance.settings.image_workers
