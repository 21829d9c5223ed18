"""Datasets and their registered copies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import NotFoundError
from catalog.models import CopyKind, Dataset, StoredCopy


def create_dataset(session: Session, tenant_id: str, contract_id: str | None = None) -> Dataset:
    dataset = Dataset(tenant_id=tenant_id, contract_id=contract_id)
    session.add(dataset)
    session.flush()
    return dataset


def get_dataset(session: Session, dataset_id: str, *, for_update: bool = False) -> Dataset:
    stmt = select(Dataset).where(Dataset.id == dataset_id)
    if for_update:
        stmt = stmt.with_for_update()
    dataset = session.execute(stmt).scalar_one_or_none()
    if dataset is None:
        raise NotFoundError("dataset", dataset_id)
    return dataset


def register_copy(session: Session, *, dataset_id: str, kind: CopyKind, backend: str,
                  locator: str, size: int, plaintext_size: int, digest: str,
                  copy_id: str, shard: int | None = None) -> StoredCopy:
    copy = StoredCopy(id=copy_id, dataset_id=dataset_id, kind=kind, backend=backend,
                      locator=locator, size=size, plaintext_size=plaintext_size, digest=digest,
                      shard=shard)
    session.add(copy)
    session.flush()
    return copy


def live_copies(session: Session, dataset_id: str) -> list[StoredCopy]:
    stmt = (select(StoredCopy)
            .where(StoredCopy.dataset_id == dataset_id, StoredCopy.deleted_at.is_(None))
            .order_by(StoredCopy.created_at))
    return list(session.execute(stmt).scalars())


def get_copy(session: Session, copy_id: str) -> StoredCopy:
    copy = session.get(StoredCopy, copy_id)
    if copy is None:
        raise NotFoundError("copy", copy_id)
    return copy

