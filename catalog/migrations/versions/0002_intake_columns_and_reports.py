"""intake columns and reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dataset_reports',
    sa.Column('dataset_id', sa.String(length=32), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_reports_dataset_id_datasets')),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_dataset_reports'))
    )
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('upload_bytes', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('item_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('error_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('warning_count', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('warning_count')
        batch_op.drop_column('error_count')
        batch_op.drop_column('item_count')
        batch_op.drop_column('upload_bytes')
        batch_op.drop_column('upload_sha256')

    op.drop_table('dataset_reports')
