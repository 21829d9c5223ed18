"""shards: a stored copy's place in its dataset's sequence of shards, and the raw shard
each item was written to

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa



revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stored_copies') as batch:
        batch.add_column(sa.Column('shard', sa.Integer(), nullable=True))
    with op.batch_alter_table('items') as batch:
        batch.add_column(sa.Column('shard', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.drop_column('shard')
    with op.batch_alter_table('stored_copies') as batch:
        batch.drop_column('shard')
