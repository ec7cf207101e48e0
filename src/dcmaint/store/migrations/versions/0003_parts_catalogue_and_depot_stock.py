"""parts catalogue and depot stock

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:47:29.571824
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_number', sa.String(length=100), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('part_class', sa.String(length=32), nullable=False),
    sa.Column('attributes', sa.Text(), nullable=True),
    sa.Column('annual_failure_rate', sa.Float(), nullable=True),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('consumable', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('part_number')
    )
    op.create_table('part_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_table('part_substitutes',
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_id'], ['parts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('part_id', 'substitute_id')
    )
    op.create_table('stock_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('part_number', sa.String(length=100), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=100), nullable=True),
    sa.Column('bin', sa.String(length=64), nullable=True),
    sa.Column('condition', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('proof_ref', sa.String(length=200), nullable=True),
    sa.Column('proof_file', sa.String(length=500), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reserved_for', sa.String(length=100), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('slot', sa.String(length=200), nullable=True),
    sa.Column('custody_location', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stock_units', schema=None) as batch_op:
        batch_op.create_index('ix_stock_lookup', ['part_id', 'site_id', 'status'], unique=False)
        batch_op.create_index('uq_stock_serial', ['serial'], unique=True, sqlite_where=sa.text('serial IS NOT NULL'), postgresql_where=sa.text('serial IS NOT NULL'))



def downgrade() -> None:
    with op.batch_alter_table('stock_units', schema=None) as batch_op:
        batch_op.drop_index('uq_stock_serial', sqlite_where=sa.text('serial IS NOT NULL'), postgresql_where=sa.text('serial IS NOT NULL'))
        batch_op.drop_index('ix_stock_lookup')

    op.drop_table('stock_units')
    op.drop_table('part_substitutes')
    op.drop_table('part_numbers')
    op.drop_table('parts')
