"""intake receipts: the signed receipt of each validated or rejected dataset

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'intake_receipts',
        sa.Column('dataset_id', sa.String(length=32), nullable=False),
        sa.Column('receipt_id', sa.String(length=32), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_intake_receipts_dataset_id_datasets')),
        sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_intake_receipts')),
        sa.UniqueConstraint('receipt_id', name=op.f('uq_intake_receipts_receipt_id')),
    )


def downgrade() -> None:
    op.drop_table('intake_receipts')
