"""A dataset of portraits (real faces) with names in its file names and captions, cut into
shards of two images, for the cluster tests; and how they compare runs."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
from PIL import Image
from skimage import data as skimage_data

from airlock.admin import new_tenant
from airlock.anonymisation import anonymisation_job
from airlock.cluster import DaskExecutor
from airlock.instance import Instance
from airlock.pipeline import Pipeline, Step
from anonymize.dataset import AnonymisationReport
from audit import SYSTEM
from catalog import Contract, Progress, live_copies, run_step_job
from intake import add_contract, receive_upload
from tests.intake.datasets import pack

FACES = 8
RUN_KEY = bytes(range(32))
CONTRACT = """name: portraits
purpose: training a portrait classifier
layout: {kind: csv_manifest, manifest: labels.csv}
images: {formats: [jpeg]}
volume: {classes: [cat, dog], min_items: 2}
labels: {fields: [{name: caption, free_text: true}]}
anonymisation: {mode: anonymise, images: redact}
"""


def portrait(seed: int) -> bytes:
    photo = Image.fromarray(skimage_data.astronaut()).resize((200 + seed, 200))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    return out.getvalue()


def files() -> dict[str, bytes]:
    names = ["张三", "李四", *[f"img{n:03d}" for n in range(2, FACES)]]
    rows = ["image,label,caption"] + [
        f"images/{name}.jpg,{('cat', 'dog')[n % 2]},王五的电话是1380013800{n}"
        for n, name in enumerate(names)]
    files = {f"images/{name}.jpg": portrait(n) for n, name in enumerate(names)}
    files["labels.csv"] = "\n".join(rows).encode()
    return files


def contract_for(instance: Instance) -> Contract:
    """The portraits' contract, in a new tenant; validation cuts shards of two images."""
    instance.settings = instance.settings.model_copy(update={"shard_max_files": 2})
    with instance.transaction(SYSTEM) as tx:
        new_tenant(tx, "acme")
        contract, _ = add_contract(tx, "acme", CONTRACT)
    return contract


def validated(instance: Instance, contract: Contract) -> str:
    """A received dataset validated through the pipeline (here), cut into 2-image shards."""
    dataset = receive_upload(instance.transactions(SYSTEM), instance.vault, contract,
                             io.BytesIO(pack(files(), "tar")), 10**9)
    Pipeline(instance).advance(dataset.id, only=Step.VALIDATE)
    return dataset.id


def anonymise(instance: Instance, dataset_id: str, executor: DaskExecutor | None,
              progress: Progress | None = None) -> AnonymisationReport:
    """With a fixed run key, so that two runs name files alike."""
    job = anonymisation_job(instance, dataset_id, executor)
    job.options = replace(job.options, run_key=lambda: RUN_KEY)
    return run_step_job(instance.transactions(SYSTEM), job, progress=progress)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), np.int16)


def registered(instance: Instance, dataset_id: str) -> set[str]:
    with instance.reading() as session:
        return {c.id for c in live_copies(session, dataset_id)}


