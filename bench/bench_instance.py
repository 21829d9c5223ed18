"""A fresh Airlock instance in this process, and its real pipeline steps, one at a time:
the upload (intake's streaming upload into the vault), validation and anonymisation (each
through `Pipeline.advance(..., only=step)`, as the CLI runs them) and the purge
(`retention.Purger`, as the sweep builds it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

# This checkout's packages first: a checkout other than the venv's editable install measures
# its own code.
sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from airlock.admin import new_tenant  # noqa: E402
from airlock.instance import Instance, init_instance  # noqa: E402
from airlock.pipeline import Pipeline, Step  # noqa: E402
from airlock.retention_jobs import purger  # noqa: E402
from airlock.settings import Settings  # noqa: E402
from anonymize.dataset import AnonymisationReport  # noqa: E402
from audit import SYSTEM  # noqa: E402
from catalog import Contract, utcnow  # noqa: E402
from intake import ValidationReport, add_contract, receive_upload  # noqa: E402
from retention import Cause, DeletionCertificate  # noqa: E402


@dataclass
class BenchInstance:
    instance: Instance
    contract: Contract

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.instance)

    def upload(self, archive: Path) -> str:
        """The dataset id of `archive` streamed, encrypted, into the vault."""
        with archive.open("rb") as source:
            dataset = receive_upload(self.instance.transactions(SYSTEM), self.instance.vault,
                                     self.contract, source, archive.stat().st_size + 1)
        return dataset.id

    def validate(self, dataset_id: str) -> ValidationReport:
        report = self.pipeline.advance(dataset_id, only=Step.VALIDATE).validation
        assert report is not None
        if report.outcome != "accepted":
            raise SystemExit(f"the synthetic dataset was rejected: {report.rules}")
        return report

    def anonymise(self, dataset_id: str) -> AnonymisationReport:
        report = self.pipeline.advance(dataset_id, only=Step.ANONYMISE).anonymisation
        assert report is not None
        return report

    def purge(self, dataset_id: str) -> DeletionCertificate:
        """Purged as never trained, now: the certificate must say its check passed."""
        certificate = purger(self.instance, utcnow).purge(dataset_id, Cause.UNTRAINED,
                                                           utcnow() - timedelta(seconds=1))
        if not certificate.verification.passed:
            raise SystemExit(f"the purge's verification failed: {certificate.verification}")
        return certificate

    def settings_note(self) -> str:
        settings = self.instance.settings
        return (f"settings: validation_workers {settings.validation_workers}, "
                f"anonymise_workers {settings.anonymise_workers}, "
                f"image_workers {settings.image_workers}")


@contextmanager
def bench_instance(home: Path, contract_text: str, **settings: Any) -> Iterator[BenchInstance]:
    """An initialised instance in `home` (SQLite, local vault and default settings, but for
    `settings`) with one tenant and `contract_text` added."""
    for name in [name for name in os.environ if name.startswith("AIRLOCK_")]:
        del os.environ[name]  # the instance is the benchmark's own, with default settings
    configured = Settings(home=home, **settings)
    init_instance(configured)
    instance = Instance(configured)
    try:
        with instance.transaction(SYSTEM) as tx:
            tenant = new_tenant(tx, "bench")
            contract, _ = add_contract(tx, tenant.id, contract_text)
        yield BenchInstance(instance, contract)
    finally:
        instance.dispose()
