"""tickets

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 22:24:48.383736
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('caller', sa.String(length=100), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('handling', sa.String(length=8), nullable=True),
    sa.Column('fault_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sla_hours', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_seconds', sa.Float(), nullable=False),
    sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('restored_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sla_met', sa.Boolean(), nullable=True),
    sa.Column('sla_elapsed_seconds', sa.Float(), nullable=True),
    sa.Column('actions', sa.Text(), nullable=True),
    sa.Column('time_spent_minutes', sa.Integer(), nullable=True),
    sa.Column('signed_by', sa.String(length=100), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('signature', sa.LargeBinary(), nullable=True),
    sa.Column('verified_by', sa.String(length=100), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['fault_id'], ['faults.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ref')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_assignee', ['assignee_id', 'state'], unique=False)
        batch_op.create_index('ix_tickets_due', ['sla_due_at'], unique=False, sqlite_where=sa.text('sla_due_at IS NOT NULL'), postgresql_where=sa.text('sla_due_at IS NOT NULL'))
        batch_op.create_index('ix_tickets_reported', ['reported_at'], unique=False)
        batch_op.create_index('ix_tickets_state', ['state', 'site_id'], unique=False)
        batch_op.create_index('ix_tickets_verified', ['verified_at', 'assignee_id'], unique=False)
        batch_op.create_index('uq_tickets_fault', ['fault_id'], unique=True, sqlite_where=sa.text('fault_id IS NOT NULL'), postgresql_where=sa.text('fault_id IS NOT NULL'))

    op.create_table('ticket_devices',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', 'device_id')
    )
    with op.batch_alter_table('ticket_devices', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_devices_device', ['device_id'], unique=False)

    op.create_table('ticket_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('state_from', sa.String(length=16), nullable=True),
    sa.Column('state_to', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_events_ticket', ['ticket_id', 'at'], unique=False)

    op.create_table('ticket_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_pauses', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_pauses_ticket', ['ticket_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ticket_pauses', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_pauses_ticket')

    op.drop_table('ticket_pauses')
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_events_ticket')

    op.drop_table('ticket_events')
    with op.batch_alter_table('ticket_devices', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_devices_device')

    op.drop_table('ticket_devices')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('uq_tickets_fault', sqlite_where=sa.text('fault_id IS NOT NULL'), postgresql_where=sa.text('fault_id IS NOT NULL'))
        batch_op.drop_index('ix_tickets_verified')
        batch_op.drop_index('ix_tickets_state')
        batch_op.drop_index('ix_tickets_reported')
        batch_op.drop_index('ix_tickets_due', sqlite_where=sa.text('sla_due_at IS NOT NULL'), postgresql_where=sa.text('sla_due_at IS NOT NULL'))
        batch_op.drop_index('ix_tickets_assignee')

    op.drop_table('tickets')
