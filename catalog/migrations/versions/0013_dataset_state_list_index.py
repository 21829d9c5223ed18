"""dataset list by state: newest-first cursor paging within one state without a sort

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from alembic import op



revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_datasets_state_created_at_id', 'datasets',
                    ['state', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_datasets_state_created_at_id', table_name='datasets')
