"""detector state per brand x series, for incremental live detection

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('detectorstate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('bucket_minutes', sa.Integer(), nullable=False),
    sa.Column('last_bucket', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brand.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('brand_id', 'series', name='uq_detectorstate_brand_series')
    )
    with op.batch_alter_table('detectorstate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_detectorstate_workspace_id'), ['workspace_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('detectorstate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_detectorstate_workspace_id'))

    op.drop_table('detectorstate')
