"""console sessions: signed-in browsers, by the SHA-256 of their cookie's secret

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa



revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'console_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('token_id', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'],
                                name=op.f('fk_console_sessions_token_id_api_tokens')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')))
    op.create_index(op.f('ix_console_sessions_token_id'), 'console_sessions', ['token_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_console_sessions_token_id'), table_name='console_sessions')
    op.drop_table('console_sessions')
