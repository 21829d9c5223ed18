"""The instance builds the process's models and hands them out: the PII engine once however
many requests ask at once, the image detectors once per instance and fed by the same engine."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from airlock.instance import Instance
from airlock.pii_engine import PiiEngineLoader
from airlock.settings import Settings


def test_the_engine_loads_once_for_concurrent_first_requests(settings: Settings) -> None:
    instance = Instance(settings, pii_engine=PiiEngineLoader())
    try:
        with ThreadPoolExecutor(4) as pool:
            engines = list(pool.map(lambda _: instance.pii_engine(), range(4)))
        assert all(engine is engines[0] for engine in engines)
        assert instance.pii_engine() is engines[0]
    finally:
        instance.dispose()


def test_image_models_are_made_once_and_ask_the_instances_engine(
        settings: Settings, pii_engine_loader: PiiEngineLoader) -> None:
    instance = Instance(settings, pii_engine=pii_engine_loader)
    try:
        models = instance.image_models
        assert instance.image_models is models
        assert models.personal_texts(["HELLO WORLD", "CALL 13800138000"]) == [False, True]
        other = Instance(settings)  # another instance: its own engine, not a hidden global
        assert other.pii_engine is not instance.pii_engine
        other.dispose()
    finally:
        instance.dispose()
