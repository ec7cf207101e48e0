"""duty rosters: rotations, overrides, leave and holiday duty rosters

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 22:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roster_rotations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('handover', sa.String(length=5), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('roster_rotations', schema=None) as batch_op:
        batch_op.create_index('ix_roster_rotations_site', ['site_id'], unique=False)

    op.create_table('roster_members',
    sa.Column('rotation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rotation_id'], ['roster_rotations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('rotation_id', 'position')
    )
    with op.batch_alter_table('roster_members', schema=None) as batch_op:
        batch_op.create_index('ix_roster_members_staff', ['staff_id'], unique=False)

    op.create_table('roster_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('covers_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['covers_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roster_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_roster_overrides_site', ['site_id', 'starts_at'], unique=False)

    op.create_table('staff_leave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_leave', schema=None) as batch_op:
        batch_op.create_index('ix_staff_leave_staff', ['staff_id', 'first_day'], unique=False)

    op.create_table('holiday_rosters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('holiday', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('makeup_days', sa.Text(), nullable=False),
    sa.Column('most_running', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'holiday', 'year', name='uq_holiday_rosters_site_holiday_year')
    )
    op.create_table('holiday_duties',
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('primary_id', sa.Integer(), nullable=False),
    sa.Column('secondary_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['primary_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['roster_id'], ['holiday_rosters.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['secondary_id'], ['staff.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('roster_id', 'day')
    )


def downgrade() -> None:
    op.drop_table('holiday_duties')
    op.drop_table('holiday_rosters')
    with op.batch_alter_table('staff_leave', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_leave_staff')
    op.drop_table('staff_leave')
    with op.batch_alter_table('roster_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_overrides_site')
    op.drop_table('roster_overrides')
    with op.batch_alter_table('roster_members', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_members_staff')
    op.drop_table('roster_members')
    with op.batch_alter_table('roster_rotations', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_rotations_site')
    op.drop_table('roster_rotations')
