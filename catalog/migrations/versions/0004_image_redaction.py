"""per-item image redaction results

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('faces', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('text_regions', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('redaction_flagged', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('redaction_flagged')
        batch_op.drop_column('text_regions')
        batch_op.drop_column('faces')
