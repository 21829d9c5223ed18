"""multipart uploads: one row per upload and per part received (ids, sizes, digests only)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa



revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'uploads',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('dataset_id', sa.String(length=32), nullable=False),
        sa.Column('tenant_id', sa.String(length=32), nullable=False),
        sa.Column('contract_id', sa.String(length=32), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('part_size', sa.BigInteger(), nullable=False),
        sa.Column('parts_total', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('received_bytes', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                                name=op.f('fk_uploads_contract_id_contracts')),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_uploads_dataset_id_datasets')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_uploads_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
        sa.UniqueConstraint('dataset_id', name=op.f('uq_uploads_dataset_id')))
    op.create_index('ix_uploads_tenant_id_sha256', 'uploads', ['tenant_id', 'sha256'],
                    unique=False)
    op.create_index('ix_uploads_state_expires_at', 'uploads', ['state', 'expires_at'],
                    unique=False)
    op.create_table(
        'upload_parts',
        sa.Column('upload_id', sa.String(length=32), nullable=False),
        sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('copy_id', sa.String(length=32), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['copy_id'], ['stored_copies.id'],
                                name=op.f('fk_upload_parts_copy_id_stored_copies')),
        sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'],
                                name=op.f('fk_upload_parts_upload_id_uploads')),
        sa.PrimaryKeyConstraint('upload_id', 'number', name=op.f('pk_upload_parts')))
    op.create_index(op.f('ix_upload_parts_copy_id'), 'upload_parts', ['copy_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_upload_parts_copy_id'), table_name='upload_parts')
    op.drop_table('upload_parts')
    op.drop_index('ix_uploads_state_expires_at', table_name='uploads')
    op.drop_index('ix_uploads_tenant_id_sha256', table_name='uploads')
    op.drop_table('uploads')
