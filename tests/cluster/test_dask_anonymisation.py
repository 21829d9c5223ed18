"""Anonymisation on a real Dask cluster (a scheduler and two workers on 127.0.0.1), on the
local vault and on S3 with KMS: both workers redact shards, the output matches this
process's, and nothing is left unregistered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airlock.cluster import DaskExecutor
from airlock.instance import Instance
from catalog import Contract
from tests.anonymize.dataset.copies import anonymised_tar, members
from tests.anonymize.dataset.recorded import Recorded
from tests.cluster.dask_cluster import dask_cluster
from tests.cluster.portraits import (
    FACES,
    anonymise,
    contract_for,
    pixels,
    registered,
    validated,
)


@pytest.fixture
def contract(any_instance: Instance) -> Contract:
    return contract_for(any_instance)


def test_two_workers_anonymise_like_this_process(any_instance: Instance, contract: Contract,
                                                 tmp_path: Path) -> None:
    here_id, there_id = (validated(any_instance, contract) for _ in range(2))
    here = anonymise(any_instance, here_id, None)
    progress = Recorded()
    with dask_cluster(tmp_path / "cluster") as cluster:
        there = anonymise(any_instance, there_id, DaskExecutor(cluster.address), progress)
        executed = cluster.executed()
    # A shard's items are known when it completes, the label shard once rewritten here.
    assert progress.calls == [("started", FACES, 5), ("shard",),
                              *[("advanced", 2), ("shard",)] * 4]
    assert len(executed) == 2 and all(count >= 1 for count in executed.values())
    assert (here.shards, here.processes, there.shards, there.processes) == (5, 1, 5, 2)
    ours, theirs = (members(anonymised_tar(any_instance, i)) for i in (here_id, there_id))
    assert sorted(ours) == sorted(theirs) and len(ours) == FACES + 1
    assert not any("张三" in name or "李四" in name for name in theirs)
    assert ours["labels.csv"] == theirs["labels.csv"]
    assert "王五" not in theirs["labels.csv"].decode()
    for name in ours:
        if name.endswith(".jpg"):  # the redaction's own tolerance: a JPEG re-encode
            assert np.abs(pixels(ours[name]) - pixels(theirs[name])).mean() < 1.0
    assert (there.images.faces, there.images.flagged) == (here.images.faces, 0)
    assert there.images.contact_sheet
    assert set(any_instance.vault.list_objects(there_id)) == registered(any_instance, there_id)
