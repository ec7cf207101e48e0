"""inspections: plans, runs, each device's result and the findings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 22:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspection_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=32), nullable=False),
    sa.Column('next_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('agreed_with', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('inspection_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('engineer', sa.String(length=100), nullable=True),
    sa.Column('answers_file', sa.String(length=300), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_runs', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_runs_site', ['site_id', 'started_at'], unique=False)
    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('system', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['inspection_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_results_run', ['run_id'], unique=False)
    op.create_table('inspection_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('item', sa.String(length=300), nullable=False),
    sa.Column('health', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('downtime_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('fault_id', sa.Integer(), nullable=True),
    sa.Column('ticket_ref', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fault_id'], ['faults.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['inspection_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_findings', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_findings_run', ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inspection_findings', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_findings_run')
    op.drop_table('inspection_findings')
    with op.batch_alter_table('inspection_results', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_results_run')
    op.drop_table('inspection_results')
    with op.batch_alter_table('inspection_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_runs_site')
    op.drop_table('inspection_runs')
    op.drop_table('inspection_plans')
