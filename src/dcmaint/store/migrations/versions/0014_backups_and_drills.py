"""backups and drills: policies, restore tests, drill plans, drills and follow-up actions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 23:57:29
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('backup_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=False),
    sa.Column('tool', sa.String(length=200), nullable=False),
    sa.Column('schedule', sa.String(length=100), nullable=False),
    sa.Column('retention', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=False),
    sa.Column('verify_every', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('backup_policies', schema=None) as batch_op:
        batch_op.create_index('ix_backup_policies_site', ['site_id'], unique=False)

    op.create_table('backup_drill_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('every', sa.String(length=16), nullable=True),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('rto_s', sa.Integer(), nullable=False),
    sa.Column('rpo_s', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['backup_policies.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backup_drill_plans', schema=None) as batch_op:
        batch_op.create_index('ix_backup_drill_plans_site', ['site_id'], unique=False)

    op.create_table('backup_policy_devices',
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['policy_id'], ['backup_policies.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('policy_id', 'device_id')
    )
    with op.batch_alter_table('backup_policy_devices', schema=None) as batch_op:
        batch_op.create_index('ix_backup_policy_devices_device', ['device_id'], unique=False)

    op.create_table('backup_restores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('tested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('restored', sa.Text(), nullable=False),
    sa.Column('duration_s', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engineer_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['policy_id'], ['backup_policies.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backup_restores', schema=None) as batch_op:
        batch_op.create_index('ix_backup_restores_policy', ['policy_id', 'tested_at'], unique=False)

    op.create_table('backup_drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=True),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('drilled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('engineer_id', sa.Integer(), nullable=False),
    sa.Column('rto_target_s', sa.Integer(), nullable=False),
    sa.Column('rto_achieved_s', sa.Integer(), nullable=False),
    sa.Column('rpo_target_s', sa.Integer(), nullable=False),
    sa.Column('rpo_achieved_s', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engineer_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['backup_drill_plans.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['policy_id'], ['backup_policies.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backup_drills', schema=None) as batch_op:
        batch_op.create_index('ix_backup_drills_plan', ['plan_id', 'drilled_at'], unique=False)
        batch_op.create_index('ix_backup_drills_site', ['site_id'], unique=False)

    op.create_table('backup_drill_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['drill_id'], ['backup_drills.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backup_drill_actions', schema=None) as batch_op:
        batch_op.create_index('ix_backup_drill_actions_drill', ['drill_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('backup_drill_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_drill_actions_drill')

    op.drop_table('backup_drill_actions')
    with op.batch_alter_table('backup_drills', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_drills_site')
        batch_op.drop_index('ix_backup_drills_plan')

    op.drop_table('backup_drills')
    with op.batch_alter_table('backup_restores', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_restores_policy')

    op.drop_table('backup_restores')
    with op.batch_alter_table('backup_policy_devices', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_policy_devices_device')

    op.drop_table('backup_policy_devices')
    with op.batch_alter_table('backup_drill_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_drill_plans_site')

    op.drop_table('backup_drill_plans')
    with op.batch_alter_table('backup_policies', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_policies_site')

    op.drop_table('backup_policies')
