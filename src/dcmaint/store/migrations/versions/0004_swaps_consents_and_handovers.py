"""swaps, consents and handovers of removed parts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:07:01.316698
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('received_by', sa.String(length=100), nullable=False),
    sa.Column('handed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('agreed_by', sa.String(length=100), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['substitute_id'], ['parts.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_lookup', ['site_id', 'part_id', 'substitute_id'], unique=False)

    op.create_table('swaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('installed_unit_id', sa.Integer(), nullable=False),
    sa.Column('removed_unit_id', sa.Integer(), nullable=True),
    sa.Column('fit', sa.String(length=16), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('fault_id', sa.Integer(), nullable=True),
    sa.Column('from_site_id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=100), nullable=True),
    sa.Column('technician', sa.String(length=100), nullable=False),
    sa.Column('swapped_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verification', sa.String(length=16), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verify_message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['fault_id'], ['faults.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['installed_unit_id'], ['stock_units.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['removed_unit_id'], ['stock_units.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('swaps', schema=None) as batch_op:
        batch_op.create_index('ix_swaps_device', ['device_id', 'swapped_at'], unique=False)
        batch_op.create_index('ix_swaps_ticket', ['ticket'], unique=False)

    with op.batch_alter_table('part_substitutes', schema=None) as batch_op:
        batch_op.create_index('ix_substitutes_reverse', ['substitute_id'], unique=False)

    with op.batch_alter_table('stock_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_stock_number', ['part_number', 'status'], unique=False)
        batch_op.create_index('ix_stock_site', ['site_id', 'status', 'part_id'], unique=False)
        batch_op.create_foreign_key('fk_stock_units_handover', 'handovers', ['handover_id'], ['id'], ondelete='RESTRICT')



def downgrade() -> None:
    with op.batch_alter_table('stock_units', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stock_units_handover', type_='foreignkey')
        batch_op.drop_index('ix_stock_site')
        batch_op.drop_index('ix_stock_number')
        batch_op.drop_column('handover_id')

    with op.batch_alter_table('part_substitutes', schema=None) as batch_op:
        batch_op.drop_index('ix_substitutes_reverse')

    with op.batch_alter_table('swaps', schema=None) as batch_op:
        batch_op.drop_index('ix_swaps_ticket')
        batch_op.drop_index('ix_swaps_device')

    op.drop_table('swaps')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_lookup')

    op.drop_table('consents')
    op.drop_table('handovers')
