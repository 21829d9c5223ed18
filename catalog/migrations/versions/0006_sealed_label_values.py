"""sealed label values: item paths, classes, label references and reports under the
dataset's key

Rows written by older versions are sealed with their dataset's key, which the application
passes in (`catalog.migrate.upgrade(sealer_for=...)`). Rows of a dataset whose key is
destroyed can no longer be sealed, and nothing may read them: they are deleted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from typing import Any

from alembic import context, op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_ITEM_COLUMNS = {'path': 'items.path', 'class_name': 'items.class_name',
                 'label_ref': 'items.label_ref'}
_REPORTS = {'dataset_reports': 'dataset_reports.body',
            'anonymisation_reports': 'anonymisation_reports.body'}


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        for name in _ITEM_COLUMNS:
            batch_op.add_column(sa.Column(f'sealed_{name}', sa.LargeBinary(), nullable=True))
    for table in _REPORTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sealed_body', sa.LargeBinary(), nullable=True))
    _seal_existing(op.get_bind())
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint('uq_items_dataset_id_path', type_='unique')
        for name in _ITEM_COLUMNS:
            batch_op.drop_column(name)
        batch_op.alter_column('sealed_path', existing_type=sa.LargeBinary(), nullable=False)
    for table in _REPORTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('body')
            batch_op.alter_column('sealed_body', existing_type=sa.LargeBinary(),
                                  nullable=False)


def _seal_existing(bind: sa.Connection) -> None:
    items = sa.table('items', sa.column('id'), sa.column('dataset_id'),
                     *(sa.column(n) for n in _ITEM_COLUMNS),
                     *(sa.column(f'sealed_{n}', sa.LargeBinary()) for n in _ITEM_COLUMNS))
    reports = {name: sa.table(name, sa.column('dataset_id'), sa.column('body', sa.JSON()),
                              sa.column('sealed_body', sa.LargeBinary())) for name in _REPORTS}
    owners = set(bind.execute(sa.select(items.c.dataset_id).distinct()).scalars())
    for table in reports.values():
        owners |= set(bind.execute(sa.select(table.c.dataset_id)).scalars())
    if not owners:
        return
    sealer_for = context.config.attributes.get('sealer_for')
    if sealer_for is None:
        raise RuntimeError('existing file names and reports must be sealed with their '
                           "datasets' keys: upgrade through `airlock init`")
    keys = sa.table('data_keys', sa.column('dataset_id'), sa.column('wrapped', sa.LargeBinary()))
    wrapped = dict(bind.execute(sa.select(keys.c.dataset_id, keys.c.wrapped)
                                .where(keys.c.wrapped.is_not(None))).all())
    for dataset_id in sorted(owners):
        if dataset_id not in wrapped:
            bind.execute(items.delete().where(items.c.dataset_id == dataset_id))
            for table in reports.values():
                bind.execute(table.delete().where(table.c.dataset_id == dataset_id))
            continue
        sealer = sealer_for(dataset_id, wrapped[dataset_id])
        _seal_items(bind, items, dataset_id, sealer)
        for name, table in reports.items():
            for body in bind.execute(sa.select(table.c.body)
                                     .where(table.c.dataset_id == dataset_id)).scalars():
                bind.execute(table.update().where(table.c.dataset_id == dataset_id)
                             .values(sealed_body=sealer.seal_json(_REPORTS[name], body)))


def _seal_items(bind: sa.Connection, items: sa.TableClause, dataset_id: str,
                sealer: Any) -> None:
    rows = bind.execute(sa.select(items.c.id, *(items.c[n] for n in _ITEM_COLUMNS))
                        .where(items.c.dataset_id == dataset_id)).all()
    if not rows:
        return
    values = [{'row_id': row.id, **{
        f'new_{name}': None if getattr(row, name) is None
        else sealer.seal(column, getattr(row, name)) for name, column in _ITEM_COLUMNS.items()}}
        for row in rows]
    bind.execute(items.update().where(items.c.id == sa.bindparam('row_id')).values(
        {f'sealed_{n}': sa.bindparam(f'new_{n}', type_=sa.LargeBinary())
         for n in _ITEM_COLUMNS}), values)


def downgrade() -> None:
    """The sealed values cannot be put back in the clear here: paths become placeholders
    (`sealed/<id>`), classes and label references are emptied, reports become `{}`."""
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column('class_name', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('label_ref', sa.String(length=1024), nullable=True))
    op.execute("UPDATE items SET path = 'sealed/' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.alter_column('path', existing_type=sa.String(length=1024), nullable=False)
        for name in _ITEM_COLUMNS:
            batch_op.drop_column(f'sealed_{name}')
        batch_op.create_unique_constraint('uq_items_dataset_id_path', ['dataset_id', 'path'])
    for table in _REPORTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('body', sa.JSON(), nullable=True))
        op.execute(f"UPDATE {table} SET body = '{{}}'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('body', existing_type=sa.JSON(), nullable=False)
            batch_op.drop_column('sealed_body')
