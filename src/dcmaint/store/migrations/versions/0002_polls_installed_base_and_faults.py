"""polls, installed base and faults; driver options on devices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:52:00.728796
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options', sa.Text(), nullable=True))

    op.create_table('components',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('manufacturer', sa.String(length=200), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('part_number', sa.String(length=100), nullable=True),
    sa.Column('spare_part_number', sa.String(length=100), nullable=True),
    sa.Column('serial', sa.String(length=100), nullable=True),
    sa.Column('firmware', sa.String(length=100), nullable=True),
    sa.Column('capacity_bytes', sa.BigInteger(), nullable=True),
    sa.Column('health', sa.String(length=16), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_id', 'kind', 'location', name='uq_components_slot')
    )
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.create_index('ix_components_part', ['part_number'], unique=False)
        batch_op.create_index('ix_components_serial', ['serial'], unique=False)

    op.create_table('device_polls',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('polled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('driver', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.String(length=32), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('duration', sa.Float(), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id')
    )
    op.create_table('faults',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('health', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('manufacturer', sa.String(length=200), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('part_number', sa.String(length=100), nullable=True),
    sa.Column('spare_part_number', sa.String(length=100), nullable=True),
    sa.Column('serial', sa.String(length=100), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('faults', schema=None) as batch_op:
        batch_op.create_index('ix_faults_open', ['closed_at'], unique=False)
        batch_op.create_index('uq_faults_open_slot', ['device_id', 'kind', 'location'], unique=True, sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('faults', schema=None) as batch_op:
        batch_op.drop_index('uq_faults_open_slot', sqlite_where=sa.text('closed_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL'))
        batch_op.drop_index('ix_faults_open')

    op.drop_table('faults')
    op.drop_table('device_polls')
    with op.batch_alter_table('components', schema=None) as batch_op:
        batch_op.drop_index('ix_components_serial')
        batch_op.drop_index('ix_components_part')

    op.drop_table('components')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('options')
