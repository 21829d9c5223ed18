"""Anonymisation work: from a contract to a plan, and the job the pipeline's step runs.

A validated dataset is anonymised right after validation. The pieces meet here, in the
composition root: the contract gives the plan, anonymize rewrites the labels here and
redacts the image shards on the executor (this process's models, or a cluster's).
"""

from __future__ import annotations

from airlock.image_models import image_plan
from airlock.instance import Instance
from airlock.pipeline.executor import Executor, LocalExecutor
from airlock.shard_parts import InstanceShardParts
from anonymize.dataset import (
    AnonymisationJob,
    AnonymisationOptions,
    AnonymisationReport,
    DatasetPlan,
    LabelPlan,
)
from audit import Actor
from catalog import (
    ConflictError,
    Contract,
    get_dataset,
    run_step_job,
)
from intake import ContractRules, contract_rules
from intake.contract_format import ImageHandling
from intake.labels.paths import join


def plan_for(rules: ContractRules) -> DatasetPlan:
    layout, labels = rules.layout, rules.labels
    root = layout.root.strip("/")
    folders = {layout.images_dir, layout.labels_dir, layout.root}
    fixed = {part for folder in folders for part in folder.split("/") if part}
    return DatasetPlan(
        mode=rules.anonymisation.mode,
        operators=dict(rules.anonymisation.operators),
        root=root,
        rename_paths=rules.anonymisation.rename_paths,
        images=image_plan(rules.anonymisation.redaction)
        if rules.anonymisation.images is ImageHandling.REDACT else None,
        fixed_names=frozenset(fixed | set(rules.volume.classes or ())),
        labels=LabelPlan(
            layout=layout.kind,
            image_field=layout.image_field,
            class_field=layout.class_field,
            manifest=join(root, layout.manifest) if layout.manifest else None,
            annotations=join(root, layout.annotations) if layout.annotations else None,
            labels_dir=join(root, layout.labels_dir),
            class_names=join(root, layout.class_names) if layout.class_names else None,
            free_text=frozenset(rules.free_text_fields()),
            kept=frozenset(f.name for f in labels.fields if not f.free_text)))


def _rules(instance: Instance, dataset_id: str) -> ContractRules:
    with instance.reading() as session:
        dataset = get_dataset(session, dataset_id)
        contract = session.get(Contract, dataset.contract_id) if dataset.contract_id else None
        if contract is None:
            raise ConflictError(f"dataset {dataset_id} has no contract")
        return contract_rules(contract)


def anonymisation_job(instance: Instance, dataset_id: str,
                      executor: Executor | None = None) -> AnonymisationJob:
    """The job of the pipeline's anonymise step: the contract's plan, its shard tasks on
    `executor` (default: this process, with this process's models)."""
    rules = _rules(instance, dataset_id)
    runs_on, parts = executor or LocalExecutor(), InstanceShardParts(instance)
    options = AnonymisationOptions(engine=instance.pii_engine,
                                   shards=lambda tasks, on_item: runs_on.map_shards(
                                       tasks, parts, on_item),
                                   workers=instance.settings.anonymise_workers,
                                   pool_min_items=instance.settings.anonymise_pool_min_items,
                                   max_item_bytes=rules.images.max_file_bytes,
                                   max_pixels=rules.images.max_pixels)
    return AnonymisationJob(instance.vault, dataset_id, plan_for(rules), options)


def anonymise(instance: Instance, actor: Actor, dataset_id: str,
              executor: Executor | None = None) -> AnonymisationReport:
    """Anonymise a validated dataset (or resume an interrupted run) here, not through the
    pipeline (tests, benchmarks)."""
    return run_step_job(instance.transactions(actor),
                        anonymisation_job(instance, dataset_id, executor))

