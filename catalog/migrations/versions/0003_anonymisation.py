"""anonymisation mode and reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('anonymisation_reports',
    sa.Column('dataset_id', sa.String(length=32), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_anonymisation_reports_dataset_id_datasets')),
    sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_anonymisation_reports'))
    )
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymisation_mode', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('anonymisation_mode')

    op.drop_table('anonymisation_reports')
