"""step runs: which process runs a dataset's pipeline step (a lease) and how far it got

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa



revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'step_runs',
        sa.Column('dataset_id', sa.String(length=32), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('owner', sa.String(length=128), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('items_done', sa.BigInteger(), nullable=False),
        sa.Column('items_total', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_step_runs_dataset_id_datasets')),
        sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_step_runs')))


def downgrade() -> None:
    op.drop_table('step_runs')
