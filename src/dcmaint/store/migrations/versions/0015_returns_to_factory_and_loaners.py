"""returns to factory (RMAs) and the loaners that stood in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 23:58:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rmas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('unit_kind', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('stock_unit_id', sa.Integer(), nullable=True),
    sa.Column('serial', sa.String(length=100), nullable=True),
    sa.Column('returned_serial', sa.String(length=100), nullable=True),
    sa.Column('kept_at', sa.String(length=200), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('carrier', sa.String(length=100), nullable=True),
    sa.Column('tracking', sa.String(length=100), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stock_unit_id'], ['stock_units.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    with op.batch_alter_table('rmas', schema=None) as batch_op:
        batch_op.create_index('ix_rmas_site_state', ['site_id', 'state'], unique=False)
        batch_op.create_index('ix_rmas_ticket', ['ticket_id'], unique=False)
        batch_op.create_index('uq_rmas_live_device', ['device_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL AND device_id IS NOT NULL'), postgresql_where=sa.text('closed_at IS NULL AND device_id IS NOT NULL'))
        batch_op.create_index('uq_rmas_live_part', ['stock_unit_id'], unique=True, sqlite_where=sa.text('closed_at IS NULL AND stock_unit_id IS NOT NULL'), postgresql_where=sa.text('closed_at IS NULL AND stock_unit_id IS NOT NULL'))

    op.create_table('rma_loaners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=100), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=True),
    sa.Column('model', sa.String(length=100), nullable=True),
    sa.Column('moved', sa.Text(), nullable=True),
    sa.Column('installed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rma_id'], ['rmas.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rma_loaners', schema=None) as batch_op:
        batch_op.create_index('ix_rma_loaners_device', ['device_id'], unique=False)
        batch_op.create_index('ix_rma_loaners_rma', ['rma_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rma_loaners', schema=None) as batch_op:
        batch_op.drop_index('ix_rma_loaners_rma')
        batch_op.drop_index('ix_rma_loaners_device')

    op.drop_table('rma_loaners')
    with op.batch_alter_table('rmas', schema=None) as batch_op:
        batch_op.drop_index('uq_rmas_live_part', sqlite_where=sa.text('closed_at IS NULL AND stock_unit_id IS NOT NULL'), postgresql_where=sa.text('closed_at IS NULL AND stock_unit_id IS NOT NULL'))
        batch_op.drop_index('uq_rmas_live_device', sqlite_where=sa.text('closed_at IS NULL AND device_id IS NOT NULL'), postgresql_where=sa.text('closed_at IS NULL AND device_id IS NOT NULL'))
        batch_op.drop_index('ix_rmas_ticket')
        batch_op.drop_index('ix_rmas_site_state')

    op.drop_table('rmas')
