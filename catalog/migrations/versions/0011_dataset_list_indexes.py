"""dataset list indexes: newest-first cursor paging over all tenants or one

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from alembic import op



revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_datasets_created_at_id', 'datasets', ['created_at', 'id'], unique=False)
    op.create_index('ix_datasets_tenant_id_created_at_id', 'datasets',
                    ['tenant_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_datasets_tenant_id_created_at_id', table_name='datasets')
    op.drop_index('ix_datasets_created_at_id', table_name='datasets')
