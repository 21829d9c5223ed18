from __future__ import annotations

import pytest

from airlock.instance import Instance
from audit import SYSTEM
from catalog import (
    ConflictError,
    CopyKind,
    NotFoundError,
    create_dataset,
    create_tenant,
    get_dataset,
    get_tenant,
    list_tenants,
    live_copies,
    register_copy,
    utcnow,
)


def test_tenants_are_unique_and_found_by_id_or_name(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        tenant = create_tenant(tx.session, "acme-vision")
    with instance.reading() as session:
        assert get_tenant(session, tenant.id).name == "acme-vision"
        assert get_tenant(session, "acme-vision").id == tenant.id
        assert [t.name for t in list_tenants(session)] == ["acme-vision"]
    with pytest.raises(ConflictError), instance.transaction(SYSTEM) as tx:
        create_tenant(tx.session, "acme-vision")
    with pytest.raises(NotFoundError, match="tenant 'nobody' not found"), \
            instance.reading() as session:
        get_tenant(session, "nobody")


@pytest.mark.parametrize("name", ["", "Acme", "-acme", "acme-", "a b", "张三", "a" * 65, "a/b"])
def test_tenant_names_are_validated(instance: Instance, name: str) -> None:
    with pytest.raises(ValueError, match="tenant name"), instance.transaction(SYSTEM) as tx:
        create_tenant(tx.session, name)


def test_every_copy_is_registered_until_deleted(instance: Instance) -> None:
    with instance.transaction(SYSTEM) as tx:
        tenant = create_tenant(tx.session, "acme")
        dataset = create_dataset(tx.session, tenant.id)
        for n, kind in enumerate(CopyKind):
            register_copy(tx.session, copy_id=f"c{n}", dataset_id=dataset.id, kind=kind,
                          backend="local", locator=f"datasets/{dataset.id}/c{n}", size=10,
                          plaintext_size=5, digest="0" * 64)
    with instance.transaction(SYSTEM) as tx:
        copies = live_copies(tx.session, dataset.id)
        assert {c.kind for c in copies} == set(CopyKind)
        copies[0].deleted_at = utcnow()  # as the purge marks them
    with instance.reading() as session:
        assert len(live_copies(session, dataset.id)) == len(CopyKind) - 1
        assert get_dataset(session, dataset.id).state == "received"
