"""merge rollups and detector state

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-23 12:45:56.772993
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = ('0002', '0003')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
