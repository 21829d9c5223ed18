"""retention: training dates, legal holds, purges, signing key, sweep lease, checkpoints

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa



revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('training_purpose_sha256', sa.String(length=64),
                                      nullable=True))
    op.create_table(
        'legal_holds',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('dataset_id', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('placed_by', sa.String(length=128), nullable=False),
        sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('released_by', sa.String(length=128), nullable=True),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('release_reason', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_legal_holds_dataset_id_datasets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds')))
    op.create_index(op.f('ix_legal_holds_dataset_id'), 'legal_holds', ['dataset_id'])
    op.create_table(
        'purges',
        sa.Column('dataset_id', sa.String(length=32), nullable=False),
        sa.Column('cause', sa.String(length=16), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('key_id', sa.String(length=64), nullable=True),
        sa.Column('copies', sa.JSON(), nullable=False),
        sa.Column('first_seq', _SEQ, nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('versions', sa.BigInteger(), nullable=False),
        sa.Column('leftovers', sa.BigInteger(), nullable=False),
        sa.Column('certificate', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'],
                                name=op.f('fk_purges_dataset_id_datasets')),
        sa.PrimaryKeyConstraint('dataset_id', name=op.f('pk_purges')))
    op.create_index(op.f('ix_purges_finished_at'), 'purges', ['finished_at'])
    op.create_table(
        'instance_keys',
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('wrapped_private_key', sa.LargeBinary(), nullable=False),
        sa.Column('master_key_id', sa.String(length=2048), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('purpose', name=op.f('pk_instance_keys')))
    lease = op.create_table(
        'sweep_lease',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder', sa.String(length=128), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sweep_lease')))
    op.bulk_insert(lease, [{'id': 1, 'holder': None, 'expires_at': None}])
    op.create_table(
        'audit_checkpoints',
        sa.Column('tree_size', _SEQ, autoincrement=False, nullable=False),
        sa.Column('root_hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('frontier', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('tree_size', name=op.f('pk_audit_checkpoints')))


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
    op.drop_table('sweep_lease')
    op.drop_table('instance_keys')
    op.drop_index(op.f('ix_purges_finished_at'), table_name='purges')
    op.drop_table('purges')
    op.drop_index(op.f('ix_legal_holds_dataset_id'), table_name='legal_holds')
    op.drop_table('legal_holds')
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('training_purpose_sha256')
        batch_op.drop_column('training_started_at')
