"""step_runs: the running step's shards done and to do

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa



revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('step_runs') as batch:
        batch.add_column(sa.Column('shards_done', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('shards_total', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('step_runs') as batch:
        batch.drop_column('shards_total')
        batch.drop_column('shards_done')
