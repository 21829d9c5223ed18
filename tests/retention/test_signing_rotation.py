"""Signing key rotation in process: what the old key signed is checked with it, by the
instance's certificate check and by the API's and console's verifier when no key is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airlock.evidence import verify_with
from airlock.instance import Instance
from airlock.retention_jobs import sweeper
from audit import SYSTEM
from retention import check_certificate
from tests.retention import datasets
from tests.retention.test_sweep import at, certificate

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def test_a_certificate_from_before_a_rotation_still_verifies(instance: Instance) -> None:
    found = datasets.contract(instance, days=30)
    dataset_id = datasets.trained(instance, found, NOW - timedelta(days=31))
    sweeper(instance, at(NOW)).run()
    old = certificate(instance, dataset_id)

    old_key_id, signer = instance.rotate_signing_key(SYSTEM)
    assert old.issuer.key_id == old_key_id != signer.key_id

    with instance.reading() as session:
        checked = check_certificate(session, dataset_id)
    assert checked.valid and checked.key_id == old_key_id, checked.problem
    document = old.model_dump(mode="json")
    verdict = verify_with(instance, document, None)
    assert verdict.valid and verdict.key_id == old_key_id
    assert not verify_with(instance, document, signer.public_pem).valid
    assert instance.verify_audit().intact
