"""audit head: the latest signed checkpoint (size, root, time)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa



revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoint_size', _SEQ, nullable=True))
        batch_op.add_column(sa.Column('checkpoint_root', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('checkpoint_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # An instance checkpointed before this revision: the head names its latest checkpoint.
    op.execute(
        "UPDATE audit_head SET "
        "checkpoint_size = (SELECT MAX(tree_size) FROM audit_checkpoints), "
        "checkpoint_root = (SELECT root_hash FROM audit_checkpoints WHERE tree_size = "
        "(SELECT MAX(tree_size) FROM audit_checkpoints)), "
        "checkpoint_at = (SELECT at FROM audit_checkpoints WHERE tree_size = "
        "(SELECT MAX(tree_size) FROM audit_checkpoints))")


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('checkpoint_at')
        batch_op.drop_column('checkpoint_root')
        batch_op.drop_column('checkpoint_size')
