"""the device archive: one append-only row per version of a device's file

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 21:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('archive_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('polled_hash', sa.String(length=64), nullable=False),
    sa.Column('manual', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_id', 'version', name='uq_archive_versions_device_version')
    )
    with op.batch_alter_table('archive_versions', schema=None) as batch_op:
        batch_op.create_index('ix_archive_versions_taken', ['taken_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('archive_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_archive_versions_taken')
    op.drop_table('archive_versions')
