"""The anonymisation job tells its progress: the dataset's items and raw shards up front,
each item as it is written here, each shard as it is done (the label shard first, rewritten
before the image shards run in this process)."""

from __future__ import annotations

from airlock.instance import Instance
from tests.anonymize.dataset.recorded import Recorded
from tests.cluster.portraits import FACES, anonymise, contract_for, validated


def test_items_and_shards_are_told_as_they_are_done(instance: Instance) -> None:
    dataset_id = validated(instance, contract_for(instance))  # 4 image shards, 1 of labels
    progress = Recorded()
    report = anonymise(instance, dataset_id, None, progress)
    image_shard = [("advanced", 1), ("advanced", 1), ("shard",)]
    assert progress.calls == [("started", FACES, 5), ("shard",), *image_shard * 4]
    assert report.shards == 5 and report.items == FACES
