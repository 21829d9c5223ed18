"""Property: whatever parts are sent, in any order, retried, replaced or corrupted (and so
refused), completion succeeds exactly when the stored parts concatenate to the declared
archive."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airlock.instance import Instance
from audit import SYSTEM
from catalog import Contract, utcnow
from intake import (
    ArchiveDigestMismatchError,
    IncompleteUploadError,
    MultipartRules,
    PartDigestMismatchError,
    add_contract,
    complete_upload,
    create_upload,
    store_part,
)
from tests.intake.datasets import contract_yaml
from vocabulary import Layout

PART = 16
ARCHIVE = bytes(range(256)) * 3 + b"tail"  # 772 bytes: 49 parts, the last one 4 bytes
RULES = MultipartRules(max_bytes=10**6, default_part_size=PART, min_part_size=1,
                       expiry=timedelta(hours=1))
COUNT = -(-len(ARCHIVE) // PART)

Variant = str  # "good": the archive's bytes; "other": other bytes; "corrupt": digest wrong
sends = st.lists(st.tuples(st.integers(1, COUNT), st.sampled_from(["good", "other", "corrupt"])),
                 max_size=COUNT * 2)


@pytest.fixture
def contract(instance: Instance) -> Contract:
    with instance.transaction(SYSTEM) as tx:
        from airlock.admin import new_tenant

        new_tenant(tx, "own")
        return add_contract(tx, "own", contract_yaml(Layout.CLASS_FOLDERS))[0]


def _bytes(number: int, variant: Variant) -> bytes:
    good = ARCHIVE[(number - 1) * PART:number * PART]
    return good if variant == "good" else bytes(b ^ 0xFF for b in good)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=sends, fill_in=st.booleans())
def test_completion_succeeds_iff_the_stored_parts_are_the_archive(
        instance: Instance, contract: Contract, order: list[tuple[int, Variant]],
        fill_in: bool) -> None:
    transactions = instance.transactions(SYSTEM)
    upload = create_upload(transactions, instance.vault, contract, len(ARCHIVE),
                           hashlib.sha256(ARCHIVE).hexdigest(), None, RULES, utcnow())
    if fill_in:  # a client that resumes sends what it misses at the end
        order = order + [(n, "good") for n in range(1, COUNT + 1)
                         if n not in {m for m, v in order if v != "corrupt"}]
    stored: dict[int, bytes] = {}
    for number, variant in order:
        data = _bytes(number, variant)
        claimed = hashlib.sha256(_bytes(number, "good") if variant == "corrupt"
                                 else data).hexdigest()
        if variant == "corrupt":
            data = _bytes(number, "other")
        try:
            store_part(transactions, instance.vault, upload.id, number, len(data), claimed,
                       io.BytesIO(data), RULES, utcnow)
        except PartDigestMismatchError:
            assert variant == "corrupt"
            continue
        assert variant != "corrupt"
        stored[number] = data
    missing = [n for n in range(1, COUNT + 1) if n not in stored]
    assembled = b"".join(stored[n] for n in sorted(stored))
    if missing:
        with pytest.raises(IncompleteUploadError) as incomplete:
            complete_upload(transactions, instance.vault, upload.id, utcnow)
        assert incomplete.value.missing == missing
        return
    if assembled != ARCHIVE:
        with pytest.raises(ArchiveDigestMismatchError):
            complete_upload(transactions, instance.vault, upload.id, utcnow)
        return
    dataset = complete_upload(transactions, instance.vault, upload.id, utcnow)
    assert dataset.upload_sha256 == hashlib.sha256(ARCHIVE).hexdigest()
    # One live raw copy per part: the replaced ones were discarded.
    assert sorted(instance.vault.list_objects(dataset.id)) == sorted(
        c for c in _live_part_copies(instance, upload.id))


def _live_part_copies(instance: Instance, upload_id: str) -> list[str]:
    from catalog import upload_parts

    with instance.reading() as session:
        return [p.copy_id for p in upload_parts(session, upload_id)]
