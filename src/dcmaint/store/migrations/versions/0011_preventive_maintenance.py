"""preventive maintenance: tasks with a history, their completions, and the sites' own intervals

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 21:36:35.588202
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pm_intervals',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('task_type', sa.String(length=32), nullable=False),
    sa.Column('every', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('site_id', 'task_type')
    )
    op.create_table('pm_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('task_type', sa.String(length=32), nullable=False),
    sa.Column('last_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('forward_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('forward_fault_id', sa.Integer(), nullable=True),
    sa.Column('forward_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['forward_fault_id'], ['faults.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pm_tasks', schema=None) as batch_op:
        batch_op.create_index('uq_pm_tasks_device', ['device_id', 'task_type'], unique=True, sqlite_where=sa.text('device_id IS NOT NULL'), postgresql_where=sa.text('device_id IS NOT NULL'))
        batch_op.create_index('uq_pm_tasks_site', ['site_id', 'task_type'], unique=True, sqlite_where=sa.text('device_id IS NULL'), postgresql_where=sa.text('device_id IS NULL'))

    op.create_table('pm_completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('every', sa.String(length=16), nullable=False),
    sa.Column('consumed', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engineer_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['task_id'], ['pm_tasks.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pm_completions', schema=None) as batch_op:
        batch_op.create_index('ix_pm_completions_task', ['task_id', 'done_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pm_completions', schema=None) as batch_op:
        batch_op.drop_index('ix_pm_completions_task')

    op.drop_table('pm_completions')
    with op.batch_alter_table('pm_tasks', schema=None) as batch_op:
        batch_op.drop_index('uq_pm_tasks_site', sqlite_where=sa.text('device_id IS NULL'), postgresql_where=sa.text('device_id IS NULL'))
        batch_op.drop_index('uq_pm_tasks_device', sqlite_where=sa.text('device_id IS NOT NULL'), postgresql_where=sa.text('device_id IS NOT NULL'))

    op.drop_table('pm_tasks')
    op.drop_table('pm_intervals')
